"""The resident page's timeline: dated entries from every feature's timeline sources (their contributions)."""

from organizer.kernel.contributions import TimelineEntry, registry
from organizer.kernel.time import aware_utc

__all__ = ["TimelineEntry", "timeline_for"]


def timeline_for(resident_id: int, viewer) -> list[TimelineEntry]:
    """Every registered entry for one resident, newest first."""
    entries = [
        entry for source in registry().timeline for rid, entry in source([resident_id], viewer) if rid == resident_id
    ]
    for entry in entries:
        entry.at = aware_utc(entry.at)
    return sorted(entries, reverse=True)
