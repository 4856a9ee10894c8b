"""Listening report on 300,000 door knocks vs a bare GROUP BY of the same rows in the same database."""

import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

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
    """Turfs, addresses, households, residents, issues, knocks and their issues, inserted with raw executemany."""
    connection = db.session.connection()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def rows(sql, values):
        connection.exec_driver_sql(sql, values)

    rows(
        "INSERT INTO turfs (id, name, rule, created_at, updated_at) VALUES (?, ?, '{}', ?, ?)",
        [(i, f"Secteur {i}", now, now) for i in range(1, TURFS + 1)],
    )
    rows(
        "INSERT INTO addresses (id, number, street, street_key, turf_id, area, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (i, i % 200 + 1, f"Rue {i // 200}", f"rue {i // 200}", i % TURFS + 1, f"Quartier {i % 7}", now, now)
            for i in range(1, HOUSEHOLDS + 1)
        ],
    )
    rows(
        "INSERT INTO households (id, address_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(i, i, now, now) for i in range(1, HOUSEHOLDS + 1)],
    )
    rows(
        "INSERT INTO residents (id, first_name, last_name, name_key, household_id, data_source, quote_consent,"
        " leadership_stage, do_not_contact, note_sensitive, version, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, 'bench', ?, 'contact', 0, 0, 1, ?, ?)",
        [
            (i, f"P{i}", f"N{i}", f"p{i} n{i}", rng.randint(1, HOUSEHOLDS), i % 3 == 0, now, now)
            for i in range(1, RESIDENTS + 1)
        ],
    )
    rows(
        "INSERT INTO issues (id, name, key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        [(i, f"Problème {i}", f"p{i}", now, now) for i in range(1, ISSUES + 1)],
    )
    start = datetime.combine(today - timedelta(days=364), datetime.min.time(), tzinfo=UTC)
    knocks, links = [], set()
    for knock_id in range(1, KNOCKS + 1):
        resident = rng.randint(1, RESIDENTS) if rng.random() < 0.7 else None
        at = (start + timedelta(seconds=rng.randint(0, 364 * 86400))).strftime("%Y-%m-%d %H:%M:%S.%f")
        note = "Le loyer augmente encore." if knock_id % 10 == 0 else None
        knocks.append((knock_id, rng.randint(1, HOUSEHOLDS), resident, at, note, knock_id % 50 == 0, now, now))
        # Skewed: low issue ids are raised much more often; a third of the knocks name two issues.
        for _ in range(1 if knock_id % 3 else 2):
            links.add((knock_id, min(rng.randint(1, ISSUES), rng.randint(1, ISSUES))))
    rows(
        "INSERT INTO door_knocks (id, household_id, resident_id, knocked_at, result, note, note_sensitive,"
        " follow_up, entered_via, created_at, updated_at) VALUES (?, ?, ?, ?, 'talked', ?, ?, 0, 'sheet', ?, ?)",
        knocks,
    )
    rows("INSERT INTO door_knock_issues (door_knock_id, issue_id) VALUES (?, ?)", sorted(links))
    db.session.commit()


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
        for days, label in ((182, "half-year vs the half-year before: every knock"), (30, "last 30 days")):
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
                f"listening report, 300k door knocks, {label} (SQLite)",
                value,
                baseline,
                aim="distinct residents x 2 periods, places, quotes vs bare GROUP BY of the same rows",
            )
        db.session.remove()
        db.engine.dispose()
