"""Agenda arithmetic: start and end of each item from the meeting's start and the durations (pure functions).

Times are plain datetimes: an agenda that starts at 23:30 runs into the next day naturally.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Slot:
    """When one item starts and ends."""

    starts_at: datetime
    ends_at: datetime


def schedule(starts_at: datetime, durations: list[int]) -> list[Slot]:
    """The slot of each item, back to back from `starts_at` (negative durations count as zero)."""
    slots = []
    cursor = starts_at
    for minutes in durations:
        end = cursor + timedelta(minutes=max(int(minutes or 0), 0))
        slots.append(Slot(cursor, end))
        cursor = end
    return slots


def agenda_end(starts_at: datetime, durations: list[int]) -> datetime:
    """When the last item ends (the start itself for an empty agenda)."""
    return starts_at + timedelta(minutes=sum(max(int(m or 0), 0) for m in durations))


def overrun_minutes(starts_at: datetime, durations: list[int], planned_minutes: int) -> int:
    """How many minutes the agenda runs past the planned end (0 when it fits)."""
    total = sum(max(int(m or 0), 0) for m in durations)
    return max(total - int(planned_minutes or 0), 0)


def first_overrunning(starts_at: datetime, durations: list[int], planned_minutes: int) -> int | None:
    """Index of the first item that ends after the planned end, or None."""
    planned_end = starts_at + timedelta(minutes=int(planned_minutes or 0))
    for index, slot in enumerate(schedule(starts_at, durations)):
        if slot.ends_at > planned_end:
            return index
    return None
