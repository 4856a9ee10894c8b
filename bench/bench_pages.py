"""List and search pages on the shared data set, against a bare SQL query of the same rows; deep pages.

Each app figure is a whole GET through the Flask test client, signed in as an organizer (session, access
check, query, template); its baseline is the bare SQL statement returning the same rows (checked equal).
Page 1,000 of the resident and conversation lists is reached by its keyset cursor and compared with page 1.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

RUNS = 15
RESIDENTS_PER_PAGE = 50
KNOCKS_PER_PAGE = 30
DEEP_PAGE = 1000

RESIDENT_ROWS = """
SELECT r.id, r.first_name, r.last_name, r.phone, r.email, r.do_not_contact, r.support_level,
       a.number, a.suffix, a.street, a.building
FROM residents r LEFT JOIN households h ON h.id = r.household_id LEFT JOIN addresses a ON a.id = h.address_id
WHERE {where} ORDER BY r.sort_key, r.id LIMIT 51
"""
KNOCK_ROWS = """
SELECT k.id, k.knocked_at, k.result, k.note, r.first_name, r.last_name, a.number, a.suffix, a.street
FROM door_knocks k JOIN households h ON h.id = k.household_id JOIN addresses a ON a.id = h.address_id
LEFT JOIN residents r ON r.id = k.resident_id
WHERE {where} ORDER BY k.knocked_at DESC, k.id DESC LIMIT 31
"""
TURF_ROWS = """
SELECT t.id, t.name, COUNT(a.id) FROM turfs t LEFT JOIN addresses a ON a.turf_id = t.id
GROUP BY t.id, t.name ORDER BY t.name
"""


def median_ms(function, runs: int = RUNS) -> float:
    """Median wall time of `runs` calls, in milliseconds, after one warm-up call."""
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def signed_in_client(app, dataset):
    """A test client signed in as the data set's organizer through the real form."""
    client = app.test_client()
    response = client.post("/login", data={"email": dataset.organizer_email, "password": dataset.password})
    assert response.status_code == 302, response.status_code
    return client


def _get(client, url: str, must_contain: str | None = None):
    def call():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if must_contain:
            assert must_contain in response.get_data(as_text=True), (url, must_contain)

    return call


def _bare(connection, sql: str, params: dict | None = None):
    return lambda: connection.execute(text(sql), params or {}).fetchall()


def run(report) -> None:
    from organizer.db import read_intent
    from organizer.extensions import db

    for label in report.databases.labels:
        dataset = report.databases.dataset(label)
        app = report.databases.app(dataset.url, WTF_CSRF_ENABLED=False)
        with app.app_context():
            client = signed_in_client(app, dataset)
            with read_intent():  # the baseline's connection only reads: it must not hold SQLite's write lock
                connection = db.engine.connect()
                connection.execute(text("SELECT 1"))
            _residents(report, label, client, connection)
            _conversations(report, label, client, connection)
            _turfs(report, label, client, connection)
            _dashboard(report, label, client, connection)
            connection.close()
            db.session.remove()
            db.engine.dispose()


def _residents(report, label: str, client, connection) -> None:
    first = connection.execute(text(RESIDENT_ROWS.format(where="1 = 1"))).fetchall()
    page_one = median_ms(_get(client, "/residents/", first[0].last_name))
    report.add(
        f"resident list page 1, 100k residents ({label})",
        page_one,
        median_ms(_bare(connection, RESIDENT_ROWS.format(where="1 = 1"))),
        unit="ms",
        aim="whole page (session, access, template) vs bare SQL of the same rows",
    )
    # The cursor of page 1,000: the last row of page 999, as the "next" link would carry it.
    position = (DEEP_PAGE - 1) * RESIDENTS_PER_PAGE - 1
    last = connection.execute(
        text(f"SELECT id, sort_key FROM residents ORDER BY sort_key, id LIMIT 1 OFFSET {position}")  # noqa: S608
    ).one()
    deep_rows = connection.execute(
        text(RESIDENT_ROWS.format(where="(r.sort_key > :key OR (r.sort_key = :key AND r.id > :id))")),
        {"key": last.sort_key, "id": last.id},
    ).fetchall()
    deep_url = f"/residents/?after={last.id}:{last.sort_key}"
    deep = median_ms(_get(client, deep_url, deep_rows[0].last_name))
    report.add(
        f"resident list page {DEEP_PAGE:,} vs page 1 ({label})",
        deep,
        page_one,
        unit="ms",
        aim="keyset pagination: at most 1.5x",
    )
    # The search box matches name words, or the street: the baseline asks the same of the database.
    for query, words in (("dubois", ["dubois"]), ("camille martin", ["camille", "martin"])):
        names = " AND ".join(f"r.name_key LIKE :w{n}" for n in range(len(words)))
        where = (
            f"({names}) OR r.household_id IN (SELECT h2.id FROM households h2 JOIN addresses a2"  # noqa: S608
            " ON a2.id = h2.address_id WHERE a2.street_key LIKE :street)"
        )
        params = {f"w{n}": f"%{w}%" for n, w in enumerate(words)} | {"street": f"%{query}%"}
        rows = connection.execute(text(RESIDENT_ROWS.format(where=where)), params).fetchall()
        assert rows, query
        report.add(
            f"resident search '{query}', 100k residents ({label})",
            median_ms(_get(client, f"/residents/?q={query.replace(' ', '+')}", rows[0].last_name)),
            median_ms(_bare(connection, RESIDENT_ROWS.format(where=where), params)),
            unit="ms",
            aim="whole page vs bare SQL of the same rows (names or street)",
        )


def _conversations(report, label: str, client, connection) -> None:
    first = connection.execute(text(KNOCK_ROWS.format(where="1 = 1"))).fetchall()
    page_one = median_ms(_get(client, "/conversations/"))
    report.add(
        f"door-knock list page 1, 300k door knocks ({label})",
        page_one,
        median_ms(_bare(connection, KNOCK_ROWS.format(where="1 = 1"))),
        unit="ms",
        aim="whole page vs bare SQL of the same rows",
    )
    assert first
    position = (DEEP_PAGE - 1) * KNOCKS_PER_PAGE - 1
    last = connection.execute(
        text(f"SELECT id FROM door_knocks ORDER BY knocked_at DESC, id DESC LIMIT 1 OFFSET {position}")  # noqa: S608
    ).one()
    report.add(
        f"door-knock list page {DEEP_PAGE:,} vs page 1 ({label})",
        median_ms(_get(client, f"/conversations/?after={last.id}")),
        page_one,
        unit="ms",
        aim="keyset pagination: at most 1.5x",
    )


def _turfs(report, label: str, client, connection) -> None:
    rows = connection.execute(text(TURF_ROWS)).fetchall()
    report.add(
        f"turf list, {len(rows)} turfs of 60k addresses ({label})",
        median_ms(_get(client, "/turfs/", rows[0].name), runs=7),
        median_ms(_bare(connection, TURF_ROWS), runs=7),
        unit="ms",
        aim="whole page (doors, holders, coverage) vs bare GROUP BY of the doors",
    )


def _dashboard(report, label: str, client, connection) -> None:
    since = datetime.now(UTC) - timedelta(weeks=12)
    sql = "SELECT result, COUNT(*) FROM door_knocks WHERE knocked_at >= :since GROUP BY result"
    report.add(
        f"home page (dashboard panels), 300k door knocks ({label})",
        median_ms(_get(client, "/"), runs=3),
        median_ms(_bare(connection, sql, {"since": since}), runs=3),
        unit="ms",
        aim="four panels over 12 weeks vs one bare GROUP BY of the same weeks",
    )
