"""Run the benchmarks: each bench/bench_*.py module exposes run(report) and adds its figures.

Every module measures on each database of `report.databases`: a SQLite file, and a throwaway PostgreSQL
cluster when initdb is installed (the shared 100,000-resident data set is generated once per database).
"""

import contextlib
import importlib
import json
import os
import pkgutil
import platform
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "bench-results"


@dataclass
class Figure:
    """One measured figure: the app's time, the baseline's, and their ratio."""

    name: str
    value: float
    baseline: float | None = None
    unit: str = "s"
    aim: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


class Databases:
    """The databases figures are measured on: fresh empty ones, or one holding the shared data set."""

    def __init__(self, folder: Path, postgres_url: str | None):
        self.folder, self.postgres_url = folder, postgres_url
        self.labels = ["SQLite"] + (["PostgreSQL"] if postgres_url else [])
        self._datasets: dict = {}
        self._made = 0

    @staticmethod
    def app(url: str, **config):
        """The app on `url`, configured for benchmarking (French, no CSRF for scripted forms)."""
        from organizer import create_app

        settings = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "BABEL_DEFAULT_LOCALE": "fr"}
        return create_app(settings | config)

    def fresh(self, label: str) -> str:
        """The URL of a new empty database (no schema yet)."""
        self._made += 1
        if label == "SQLite":
            return f"sqlite:///{self.folder / f'fresh{self._made}.sqlite3'}"
        import psycopg

        base = self.postgres_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(base.replace("/organizer_test?", "/postgres?"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE bench{self._made}")
        return self.postgres_url.replace("/organizer_test?", f"/bench{self._made}?")

    def dataset(self, label: str):
        """The shared data set on this database, generated on first use."""
        from bench import dataset

        if label not in self._datasets:
            print(f"   generating the data set on {label}...", flush=True)
            built = dataset.build(self.fresh(label), self.app)
            print(f"   {built.counts} in {built.seconds:.0f} s", flush=True)
            self._datasets[label] = built
        return self._datasets[label]


@dataclass
class Report:
    """Figures collected by every benchmark module, and the databases to measure on."""

    databases: Databases | None = None
    figures: list[Figure] = field(default_factory=list)

    def add(self, name: str, value: float, baseline: float | None = None, unit: str = "s", aim: str = "") -> None:
        """Record a figure and print it at once."""
        figure = Figure(name, value, baseline, unit, aim)
        self.figures.append(figure)
        ratio = f"  ratio {figure.ratio:.2f}x" if figure.ratio is not None else ""
        base = f"  (baseline {baseline:.4g} {unit})" if baseline else ""
        print(f"{name:<60} {value:>10.4g} {unit}{base}{ratio}  {aim}", flush=True)


@contextlib.contextmanager
def _postgres(folder: Path):
    """A throwaway PostgreSQL cluster, or None (with the reason printed) when it cannot start here."""
    if os.environ.get("BENCH_DATABASES", "").lower() == "sqlite":
        yield None
        return
    sys.path.insert(0, str(RESULTS.parent))
    from tests.support.postgres import throwaway_cluster

    try:
        cluster = throwaway_cluster(folder)
        url = cluster.__enter__()
    except RuntimeError as error:
        print(f"PostgreSQL figures skipped: {error}", flush=True)
        yield None
        return
    try:
        yield url
    finally:
        cluster.__exit__(None, None, None)


def main(selected: list[str]) -> int:
    """Run all benchmark modules (or those named on the command line) and write JSON results."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder, _postgres(Path(tempfile.mkdtemp())) as pg_url:
        return _run(selected, Databases(Path(folder), pg_url))


def _run(selected: list[str], databases: Databases) -> int:
    report, failed = Report(databases), []
    names = [m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")]
    for name in sorted(names):
        if selected and name not in selected:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").run(report)
        except Exception:  # noqa: BLE001 - report it, keep the other modules' figures
            traceback.print_exc()
            failed.append(name)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "figures": [dict(asdict(f), ratio=f.ratio) for f in report.figures],
    }
    out = RESULTS / f"bench-{payload['when'].replace(':', '')}.json"
    out.write_text(json.dumps(payload, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2))
    print(f"results written to {out}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
