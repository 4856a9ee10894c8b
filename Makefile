# Organizer: `make run` to try it, `make test` to check it. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
TRANSLATIONS := organizer/translations
FLASK := $(BIN)/flask --app wsgi

.PHONY: install translations translations-update db demo run test bench loadtest lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

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
	@echo "  $$($(FLASK) mail status)"
	@echo ""
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: translations
	$(BIN)/pytest

# Figures as ratios against baselines run in the same process; JSON in bench-results/.
bench: translations
	$(BIN)/python -m bench $(BENCH)

# 20 canvassers for 60 s against gunicorn (4 workers) on SQLite then PostgreSQL; fails on any error or lost write.
loadtest: translations
	$(BIN)/python -m bench.loadtest

lint: install
	$(BIN)/ruff check organizer tests migrations bench wsgi.py
	$(BIN)/ruff format --check organizer tests bench wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts $(TRANSLATIONS)/*/LC_MESSAGES/*.mo
