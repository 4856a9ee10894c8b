"""The feature packages. Each may provide models.py, views.py (`bp`, optional URL_PREFIX and NAVIGATION),
cli.py (`COMMANDS`) and demo.py (`load(report)`); listing a package here is all it takes to plug it in."""

import importlib
import importlib.util
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
    "mail",
    "turnout",
    "signup",
)


def feature_modules(name: str) -> list[ModuleType]:
    """The `organizer.<feature>.<name>` modules that exist, in FEATURES order."""
    modules = []
    for feature in FEATURES:
        dotted = f"organizer.{feature}.{name}"
        if importlib.util.find_spec(dotted) is not None:
            modules.append(importlib.import_module(dotted))
    return modules
