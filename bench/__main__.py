"""Run the benchmarks: each bench/bench_*.py module exposes run(report) and adds its figures."""

import importlib
import json
import pkgutil
import platform
import sys
import time
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


@dataclass
class Report:
    """Figures collected by every benchmark module."""

    figures: list[Figure] = field(default_factory=list)

    def add(self, name: str, value: float, baseline: float | None = None, unit: str = "s", aim: str = "") -> None:
        """Record a figure and print it at once."""
        figure = Figure(name, value, baseline, unit, aim)
        self.figures.append(figure)
        ratio = f"  ratio {figure.ratio:.2f}x" if figure.ratio is not None else ""
        base = f"  (baseline {baseline:.4g} {unit})" if baseline else ""
        print(f"{name:<60} {value:>10.4g} {unit}{base}{ratio}  {aim}", flush=True)


def main(selected: list[str]) -> int:
    """Run all benchmark modules (or those named on the command line) and write JSON results."""
    report = Report()
    names = [m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")]
    for name in sorted(names):
        if selected and name not in selected:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").run(report)
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
