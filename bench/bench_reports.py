"""Listening report on 300,000 door knocks vs a bare GROUP BY of the same rows in the same database."""

import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

KNOCKS = 300_000
HOUSEHOLDS = 40_000
RESIDENTS = 50_000
TURFS = 40
ISSUES = 30
RUNS = 3


def _best(function) -> float:
    best = None
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def _populate(db, rng: random.Random, today: date) -> None:
    from organizer.conversations.models import DoorKnock, Issue, door_knock_issues
    from organizer.residents.models import Address, Household, Resident
    from organizer.turfs.models import Turf

    session = db.session
    session.execute(insert(Turf), [{"id": i, "name": f"Secteur {i}", "rule": {}} for i in range(1, TURFS + 1)])
    session.execute(
        insert(Address),
        [
            {
                "id": i,
                "number": i % 200 + 1,
                "street": f"Rue {i // 200}",
                "street_key": f"rue {i // 200}",
                "turf_id": i % TURFS + 1,
                "area": f"Quartier {i % 7}",
            }
            for i in range(1, HOUSEHOLDS + 1)
        ],
    )
    session.execute(insert(Household), [{"id": i, "address_id": i} for i in range(1, HOUSEHOLDS + 1)])
    session.execute(
        insert(Resident),
        [
            {
                "id": i,
                "first_name": f"P{i}",
                "last_name": f"N{i}",
                "name_key": f"p{i} n{i}",
                "household_id": rng.randint(1, HOUSEHOLDS),
                "data_source": "bench",
                "quote_consent": i % 3 == 0,
            }
            for i in range(1, RESIDENTS + 1)
        ],
    )
    session.execute(insert(Issue), [{"id": i, "name": f"Problème {i}", "key": f"p{i}"} for i in range(1, ISSUES + 1)])
    start = datetime.combine(today - timedelta(days=364), datetime.min.time(), tzinfo=UTC)
    batch, links = [], []
    for knock_id in range(1, KNOCKS + 1):
        resident = rng.randint(1, RESIDENTS) if rng.random() < 0.7 else None
        batch.append(
            {
                "id": knock_id,
                "household_id": rng.randint(1, HOUSEHOLDS),
                "resident_id": resident,
                "knocked_at": start + timedelta(seconds=rng.randint(0, 364 * 86400)),
                "result": "talked",
                "note": "Le loyer augmente encore." if knock_id % 10 == 0 else None,
                "note_sensitive": knock_id % 50 == 0,
            }
        )
        for issue in rng.sample(range(1, ISSUES + 1), rng.choice((1, 1, 2))):
            # Skewed: low issue ids are raised much more often.
            links.append({"door_knock_id": knock_id, "issue_id": min(issue, rng.randint(1, ISSUES))})
        if len(batch) == 20_000:
            session.execute(insert(DoorKnock), batch)
            batch = []
    if batch:
        session.execute(insert(DoorKnock), batch)
    unique = {(link["door_knock_id"], link["issue_id"]) for link in links}
    session.execute(insert(door_knock_issues), [{"door_knock_id": k, "issue_id": i} for k, i in unique])
    session.commit()


def run(report) -> None:
    from organizer import create_app
    from organizer.conversations.models import DoorKnock, door_knock_issues
    from organizer.extensions import db
    from organizer.reports.services import ReportQuery, listening_report
    from organizer.reports.sources import local_midnight_utc

    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}", "SECRET_KEY": "bench"})
    today = date.today()
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        _populate(db, random.Random(8), today)
        print(f"   generated {KNOCKS} door knocks in {time.perf_counter() - started:.1f} s", flush=True)
        query = ReportQuery(start=today - timedelta(days=181), end=today)

        def report_run():
            result = listening_report(query)
            assert result.lines and result.heard > 0

        lo, hi = local_midnight_utc(query.previous_start), local_midnight_utc(today + timedelta(days=1))

        def bare_group_by():
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
            "listening report, 300k door knocks (SQLite)",
            value,
            baseline,
            aim="distinct residents x 2 periods, places, quotes vs bare GROUP BY",
        )
        db.session.remove()
        db.engine.dispose()
