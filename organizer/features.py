"""The feature packages. Each may provide models.py, views.py (`bp`, optional URL_PREFIX and NAVIGATION),
cli.py (`COMMANDS`), demo.py (`load(report)`) and jobs.py (`JOB_KINDS`); listing a package here is all it
takes to plug it in."""

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

# Order matters for demo data: people before turfs before conversations.
FEATURES = (
    "core",
    "auth",
    "users",
    "audit",
    "demo",
    "residents",
    "turfs",
    "conversations",
    "campaigns",
    "meetings",
    "reports",
    "privacy",
    "jobs",
)


def feature_modules(name: str) -> list[ModuleType]:
    """The `organizer.<feature>.<name>` modules that exist, in FEATURES order."""
    modules = []
    for feature in FEATURES:
        dotted = f"organizer.{feature}.{name}"
        if importlib.util.find_spec(dotted) is not None:
            modules.append(importlib.import_module(dotted))
    return modules


@dataclass(frozen=True)
class JobKind:
    """A kind of background job a feature offers, declared in its `jobs.py` as `JOB_KINDS = (JobKind(...),)`.

    `handler(job, progress)` returns (summary dict, result bytes | None, result name, mimetype); `outcome(job)`,
    when given, renders the end of the job's page (done or failed) as HTML instead of the plain summary.
    `creator_only` hides the job even from administrators (its report quotes an uploaded file); `folders`
    name the job-file folders (see organizer/jobs/files.py) purged with the jobs after JOBS_RETENTION_DAYS;
    `warm_up()` runs once in each worker before it forks job processes (e.g. load the PDF engine's fonts)."""

    name: str
    handler: Callable
    label: str
    ready_message: str | None = None
    summary_labels: Mapping[str, str] = field(default_factory=dict)
    outcome: Callable | None = None
    creator_only: bool = False
    folders: tuple[str, ...] = ()
    warm_up: Callable[[], object] | None = None


@cache
def job_kinds() -> dict[str, JobKind]:
    """Every feature's JOB_KINDS, by name (collected once, on first use: the web, the worker, the CLI)."""
    kinds: dict[str, JobKind] = {}
    for module in feature_modules("jobs"):
        for kind in getattr(module, "JOB_KINDS", ()):
            if kind.name in kinds:
                raise ValueError(f"job kind {kind.name!r} declared twice")
            kinds[kind.name] = kind
    return kinds
