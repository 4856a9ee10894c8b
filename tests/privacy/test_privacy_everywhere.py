"""Privacy rules that cross features: refusals audited, objection off the next walk sheet, erasure leaves no trace."""

import io
import json

from pypdf import PdfReader
from sqlalchemy import String, Text, cast, literal, select

from organizer.audit.models import AuditEvent
from organizer.extensions import db
from organizer.residents.models import Resident
from tests.turfs.test_views import setup_turfs


def test_canvasser_refused_another_turf_is_audited(app, client, make_user):
    canvasser_id, email = make_user("canvasser")
    _mine, other, other_household, _talker = setup_turfs(app, canvasser_id)
    client.login(email)
    for url in (f"/turfs/{other}", f"/turfs/{other}/walk-sheet.pdf", f"/turfs/door/{other_household}"):
        assert client.get(url).status_code == 404
    with app.app_context():
        refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
        assert {event.details["path"] for event in refused} >= {f"/turfs/{other}", f"/turfs/{other}/walk-sheet.pdf"}
        assert all(event.actor_id == canvasser_id for event in refused)


def _sheet_text(client, turf_id) -> str:
    pdf = client.get(f"/turfs/{turf_id}/walk-sheet.pdf").data
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_objection_takes_the_person_off_the_next_walk_sheet(app, client, make_user):
    organizer_id, email = make_user("organizer")
    mine, _other, _household, talker_id = setup_turfs(app, organizer_id)
    with app.app_context():
        talker = db.session.get(Resident, talker_id)
        last_name = talker.last_name
    client.login(email)
    assert last_name in _sheet_text(client, mine)
    client.post_form(f"/privacy/residents/{talker_id}/objection")
    assert last_name not in _sheet_text(client, mine)


def test_erasure_leaves_no_trace_in_any_table(app, client, make_user):
    organizer_id, email = make_user("organizer")
    _mine, _other, _household, talker_id = setup_turfs(app, organizer_id)
    with app.app_context():
        talker = db.session.get(Resident, talker_id)
        talker.email, talker.phone, talker.note = "omar.benali@example.org", "+33611223344", "Voisin de Mme Dupont"
        db.session.commit()
        traces = [talker.last_name, "omar.benali@example.org", "+33611223344", "Voisin de Mme Dupont"]
    client.login(email)
    client.post_form(f"/privacy/residents/{talker_id}/erase", {"confirmation": "ERASE"})
    with app.app_context():
        found = []
        for table in db.metadata.sorted_tables:
            columns = [c.name for c in table.columns if isinstance(c.type, String | Text)]
            for column in columns:
                for trace in traces:
                    hit = db.session.execute(
                        select(literal(1))
                        .select_from(table)
                        .where(cast(table.c[column], Text).like(f"%{trace}%"))
                        .limit(1)
                    ).first()
                    if hit:
                        found.append((table.name, column, trace))
        assert found == []
        audit_rows = db.session.scalars(select(AuditEvent).where(AuditEvent.target_id == talker_id)).all()
        assert any(event.action == "resident.erase" for event in audit_rows)
        assert all(trace not in json.dumps(event.details) for event in audit_rows for trace in traces)
