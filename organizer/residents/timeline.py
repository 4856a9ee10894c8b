"""The resident page's timeline: each feature registers a source of dated entries."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from organizer.kernel.time import aware_utc


@dataclass(order=True)
class TimelineEntry:
    """One dated line of a resident's history; `kind` picks its icon and template."""

    at: datetime
    kind: str = field(compare=False)
    title: str = field(compare=False)
    detail: str | None = field(default=None, compare=False)
    url: str | None = field(default=None, compare=False)
    sensitive: bool = field(default=False, compare=False)


# Each source: (resident_ids: list[int], viewer: User) -> list[(resident_id, TimelineEntry)].
# Batch by ids so a page with many residents stays one query per source.
TIMELINE_SOURCES: list[Callable] = []


def timeline_source(function: Callable) -> Callable:
    """Register a timeline source (decorator)."""
    TIMELINE_SOURCES.append(function)
    return function


def timeline_for(resident_id: int, viewer) -> list[TimelineEntry]:
    """Every registered entry for one resident, newest first."""
    entries = [
        entry for source in TIMELINE_SOURCES for rid, entry in source([resident_id], viewer) if rid == resident_id
    ]
    for entry in entries:
        entry.at = aware_utc(entry.at)
    return sorted(entries, reverse=True)
