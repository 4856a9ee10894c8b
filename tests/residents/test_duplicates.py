"""Duplicate detection and merging: nothing of either record is lost, and it is audited."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from organizer.audit.models import AuditEvent
from organizer.conversations.models import DoorKnock, Issue
from organizer.conversations.services import get_or_create_issue
from organizer.extensions import db
from organizer.residents import services
from organizer.residents.models import Resident


def _twins(app):
    with app.app_context():
        first = services.create_resident(
            {"first_name": "Hélène", "last_name": "Dupont", "data_source": "Porte-à-porte"},
            address={"number": "12 bis", "street": "Rue Joffre"},
        )
        second = services.create_resident(
            {"first_name": "helene", "last_name": "DUPONT", "email": "h.dupont@example.org", "data_source": "Liste"},
            address={"number": "12bis", "street": "r. Joffre"},
        )
        db.session.refresh(first, ["tags", "issues"])
        db.session.refresh(second, ["tags", "issues"])
        services.set_tags(first, ["locataire"])
        services.set_tags(second, ["parent d'élève", "locataire"])
        issue = get_or_create_issue("Loyers trop chers")
        second.issues = [issue]
        for resident in (first, second):
            db.session.add(DoorKnock(household_id=resident.household_id, resident_id=resident.id, result="talked"))
        phone_a = services.create_resident(
            {"first_name": "Karim", "last_name": "Benali", "phone": "0612345678", "data_source": "x"}
        )
        phone_b = services.create_resident(
            {"first_name": "K.", "last_name": "Benali", "phone": "+33 6 12 34 56 78", "data_source": "y"}
        )
        db.session.commit()
        return first.id, second.id, phone_a.id, phone_b.id


def test_duplicates_are_detected(app):
    first, second, phone_a, phone_b = _twins(app)
    with app.app_context():
        groups = {(g.reason, tuple(r.id for r in g.residents)) for g in services.duplicate_groups()}
    assert ("name_address", (first, second)) in groups
    assert ("phone", (phone_a, phone_b)) in groups


def test_merge_keeps_everything_and_is_audited(app, client, make_user):
    first, second, _a, _b = _twins(app)
    _id, email = make_user("organizer")
    client.login(email)
    page = client.get("/residents/duplicates").get_data(as_text=True)
    assert f"merge-{first}-{second}" in page
    response = client.post_form("/residents/merge", {"keep_id": first, "other_id": second})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Resident, second) is None
        kept = db.session.scalar(
            select(Resident)
            .where(Resident.id == first)
            .options(selectinload(Resident.tags), selectinload(Resident.issues))
        )
        assert {t.name for t in kept.tags} == {"locataire", "parent d'élève"}
        assert [i.name for i in kept.issues] == ["Loyers trop chers"]
        assert kept.email == "h.dupont@example.org"
        assert kept.data_source == "Porte-à-porte + Liste"
        knocks = db.session.scalars(select(DoorKnock.resident_id)).all()
        assert knocks == [first, first]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.merge"))
        assert event.target_id == first and event.details["merged_id"] == second
        assert event.details["moved"]["door_knocks"] == 1
        assert db.session.scalar(select(func.count()).select_from(Issue)) == 1
    page = client.get(f"/residents/{first}").get_data(as_text=True)
    assert "Duplicate merged in by" in page


def test_canvasser_cannot_merge(app, client, make_user):
    first, second, _a, _b = _twins(app)
    _id, email = make_user("canvasser")
    client.login(email)
    assert client.get("/residents/duplicates").status_code == 403
    assert client.post_form("/residents/merge", {"keep_id": first, "other_id": second}).status_code == 403
