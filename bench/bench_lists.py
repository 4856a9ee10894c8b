"""Lists: bulk actions on 10,000 residents in one request, on each database.

10,000 residents are imported into a fresh database; an organizer then tags every result of a search
(all pages), marks them do-not-contact and adds their doors to a turf, each in one confirmed POST. Every
request is timed and its SQL statements counted (no N+1: a handful whatever the count), against a bare
INSERT ... SELECT of the same tag links.
"""

import time

from sqlalchemy import event, text

N_RESIDENTS = 10_000
PASSWORD = "bench-lists-password-1"


def _csv() -> bytes:
    lines = ["first_name,last_name,mobile_number,primary_address1,primary_city,primary_zip,nationbuilder_id"]
    for n in range(N_RESIDENTS):
        lines.append(
            f"Prénom{n},Liste{n % 500},06{n:08d},{1 + n // 4} rue des Listes {n // 2000},Mont-Bonvillers,54111,{n}"
        )
    return ("\n".join(lines) + "\n").encode()


class _Statements:
    """Counts the SQL statements sent while it is open."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args, **_kwargs):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


def _post(client, db, form: dict) -> tuple[float, int]:
    with _Statements(db.engine) as statements:
        started = time.perf_counter()
        response = client.post("/residents/bulk", data={**form, "confirm": "1"})
        elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed, statements.count


def run(report) -> None:
    from organizer.auth import services as auth_services
    from organizer.extensions import db
    from organizer.residents.importing import run_import
    from organizer.turfs.models import Turf

    for label in report.databases.labels:
        app = report.databases.app(report.databases.fresh(label), WTF_CSRF_ENABLED=False)
        with app.app_context():
            db.create_all()
            run_import(_csv(), "bench.csv", source="bench")
            auth_services.create_user("lists@example.org", "Bench", "organizer", password=PASSWORD)
            turf = Turf(name="Bench")
            db.session.add(turf)
            db.session.commit()
            turf_id = turf.id
            client = app.test_client()
            assert client.post("/login", data={"email": "lists@example.org", "password": PASSWORD}).status_code == 302
            everyone = {"scope": "all", "q": "liste"}
            tagged, tag_statements = _post(client, db, {**everyone, "bulk_action": "tag", "tag": "bench"})
            count = db.session.execute(text("SELECT COUNT(*) FROM resident_tags")).scalar()
            assert count == N_RESIDENTS, count
            db.session.execute(text("DELETE FROM resident_tags"))
            db.session.commit()
            tag_id = db.session.execute(text("SELECT id FROM tags WHERE name = 'bench'")).scalar()
            started = time.perf_counter()
            db.session.execute(
                text("INSERT INTO resident_tags (resident_id, tag_id) SELECT id, :tag FROM residents"),
                {"tag": tag_id},
            )
            db.session.commit()
            baseline = time.perf_counter() - started
            report.add(
                f"bulk tag {N_RESIDENTS:,} residents, one request, {tag_statements} SQL statements ({label})",
                tagged,
                baseline,
                aim="whole request (access, search, count-free insert, audit) vs bare INSERT ... SELECT",
            )
            db.session.execute(text("DELETE FROM resident_tags"))
            db.session.commit()
            for name, form in (
                ("do-not-contact", {"bulk_action": "dnc"}),
                ("add doors to a turf", {"bulk_action": "turf", "turf_id": turf_id}),
            ):
                elapsed, statements = _post(client, db, {**everyone, **form})
                report.add(
                    f"bulk {name}, {N_RESIDENTS:,} residents, one request, {statements} SQL statements ({label})",
                    elapsed,
                    aim="one request, statements independent of the count",
                )
            db.session.remove()
            db.engine.dispose()
