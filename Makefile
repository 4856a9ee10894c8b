# Organizer: `make run` to try it, `make test` to check it. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
TRANSLATIONS := organizer/translations
FLASK := $(BIN)/flask --app wsgi

.PHONY: install lock translations translations-update db demo run test bench loadtest lint clean

LOCK := requirements.lock
# Processes running the tests (pytest-xdist); 0 runs them in this one.
TEST_WORKERS ?= 2

# Exactly the versions of requirements.lock (`make lock` refreshes it), then this project, editable.
$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# After changing dependencies in pyproject.toml: resolve them afresh in a throwaway venv, pin the result.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e ".[dev]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^organizer' > $(LOCK)
	rm -rf .lock-venv

# Compile the catalogues (the .mo files are build products, not committed).
translations: install
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

# After adding user-facing text: extract, merge into fr, then translate the new entries.
translations-update: install
# Sorted by message, without file locations: entries move only when their text changes, so branches merge.
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching \
		--ignore-pot-creation-date --ignore-obsolete

db: translations
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

run: demo
	@echo ""
	@echo "  Organizer is at http://127.0.0.1:$(PORT)/  (sign in with a demo login above; Ctrl-C to stop)"
	@echo ""
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Two processes, each test file whole in one of them (its module fixtures built once; PostgreSQL per process).
test: translations
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# Figures as ratios against baselines run in the same process; JSON in bench-results/.
bench: translations
	$(BIN)/python -m bench $(BENCH)

# 20 canvassers for 60 s against gunicorn (4 workers) on SQLite then PostgreSQL; fails on any error or lost write.
loadtest: translations
	$(BIN)/python -m bench.loadtest

# Style, complexity and the layers contract (pyproject.toml: [tool.ruff], [tool.importlinter]).
lint: install
	$(BIN)/ruff check organizer tests migrations bench wsgi.py
	$(BIN)/ruff format --check organizer tests bench wsgi.py
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .lock-venv .pytest_cache .ruff_cache test-artifacts $(TRANSLATIONS)/*/LC_MESSAGES/*.mo
