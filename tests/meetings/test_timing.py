"""Start times from the meeting's start and the durations; the overrun warning."""

from datetime import datetime

from organizer.meetings.timing import agenda_end, first_overrunning, overrun_minutes, schedule


def test_items_follow_each_other():
    slots = schedule(datetime(2026, 3, 12, 18, 30), [10, 15, 0, 45])
    assert [(s.starts_at.strftime("%H:%M"), s.ends_at.strftime("%H:%M")) for s in slots] == [
        ("18:30", "18:40"),
        ("18:40", "18:55"),
        ("18:55", "18:55"),
        ("18:55", "19:40"),
    ]


def test_agenda_runs_past_midnight():
    start = datetime(2026, 12, 31, 23, 40)
    slots = schedule(start, [15, 10, 30])
    assert slots[1].starts_at == datetime(2026, 12, 31, 23, 55)
    assert slots[2].starts_at == datetime(2027, 1, 1, 0, 5)
    assert agenda_end(start, [15, 10, 30]) == datetime(2027, 1, 1, 0, 35)


def test_overrun_warning():
    start = datetime(2026, 3, 12, 18, 30)
    assert overrun_minutes(start, [30, 30], 60) == 0
    assert first_overrunning(start, [30, 30], 60) is None
    assert overrun_minutes(start, [30, 30, 20], 60) == 20
    assert first_overrunning(start, [30, 30, 20], 60) == 2
    assert first_overrunning(start, [90], 60) == 0


def test_negative_or_missing_durations_count_as_zero():
    start = datetime(2026, 3, 12, 18, 30)
    assert agenda_end(start, [-5, None, 10]) == datetime(2026, 3, 12, 18, 40)
