"""The feature packages. Each may provide models.py, views.py (`bp`, optional URL_PREFIX and NAVIGATION),
cli.py (`COMMANDS`), demo.py (`load(report)`) and contributions.py (`CONTRIBUTION`: what it adds to other
features' extension points, organizer.kernel.contributions); listing a package here is all it takes."""

import importlib
import importlib.util
from types import ModuleType

from organizer.kernel.contributions import Registry

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
    "audit_log",
)


def feature_modules(name: str) -> list[ModuleType]:
    """The `organizer.<feature>.<name>` modules that exist, in FEATURES order."""
    modules = []
    for feature in FEATURES:
        dotted = f"organizer.{feature}.{name}"
        if importlib.util.find_spec(dotted) is not None:
            modules.append(importlib.import_module(dotted))
    return modules


def collect_contributions() -> Registry:
    """Every feature's CONTRIBUTION (organizer/<feature>/contributions.py), merged in FEATURES order."""
    return Registry(module.CONTRIBUTION for module in feature_modules("contributions"))
