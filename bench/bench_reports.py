"""Listening report on the shared data set's 300,000 door knocks vs a bare GROUP BY of the same rows."""

import time
from datetime import date, timedelta

from sqlalchemy import func, select

RUNS = 3


def _best(function) -> float:
    best = None
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def run(report) -> None:
    from organizer.conversations.models import DoorKnock, door_knock_issues
    from organizer.extensions import db
    from organizer.reports.services import ReportQuery, listening_report
    from organizer.reports.sources import local_midnight_utc

    today = date.today()
    for label in report.databases.labels:
        app = report.databases.app(report.databases.dataset(label).url)
        with app.app_context():
            for days, period in ((182, "half-year vs the half-year before: every knock"), (30, "last 30 days")):
                query = ReportQuery(start=today - timedelta(days=days - 1), end=today)

                def report_run(query=query):
                    result = listening_report(query)
                    assert result.lines and result.heard > 0

                lo, hi = local_midnight_utc(query.previous_start), local_midnight_utc(today + timedelta(days=1))

                def bare_group_by(lo=lo, hi=hi):
                    rows = db.session.execute(
                        select(door_knock_issues.c.issue_id, func.count())
                        .join(DoorKnock, DoorKnock.id == door_knock_issues.c.door_knock_id)
                        .where(DoorKnock.knocked_at >= lo, DoorKnock.knocked_at < hi)
                        .group_by(door_knock_issues.c.issue_id)
                    ).all()
                    assert rows

                baseline = _best(bare_group_by)
                value = _best(report_run)
                report.add(
                    f"listening report, 300k door knocks, {period} ({label})",
                    value,
                    baseline,
                    aim="distinct residents x 2 periods, places, quotes vs bare GROUP BY of the same rows",
                )
            db.session.remove()
            db.engine.dispose()
