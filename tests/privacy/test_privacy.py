"""Subject rights: rectification history, access export, objection, erasure, retention purge."""

import io
import json
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.conversations.models import DoorKnock
from organizer.db import utcnow
from organizer.extensions import db
from organizer.privacy.models import ResidentRevision
from organizer.residents.models import Resident, resident_tags


def test_every_change_to_a_resident_is_kept_as_a_revision(app, resident_id, make_user):
    user_id, email = make_user("organizer")
    with app.test_request_context(method="POST"):
        from flask_login import login_user

        from organizer.auth.models import User

        login_user(db.session.get(User, user_id))
        person = db.session.get(Resident, resident_id)
        person.email = "helene.dupont@example.org"
        person.do_not_contact = True
        db.session.commit()
        revisions = db.session.scalars(select(ResidentRevision).order_by(ResidentRevision.field)).all()
        assert [(r.field, r.old_value, r.new_value) for r in revisions] == [
            ("do_not_contact", "False", "True"),
            ("email", "helene@example.org", "helene.dupont@example.org"),
        ]
        assert all(r.changed_by_id == user_id for r in revisions)


def test_privacy_page_shows_source_and_consent(client, resident_id, make_user):
    _id, email = make_user("organizer")
    client.login(email)
    page = client.get(f"/privacy/residents/{resident_id}").get_data(as_text=True)
    assert "porte-à-porte mars 2026" in page and "oral, at the door" in page and "Consent" in page


@pytest.mark.parametrize("role", ["canvasser", "leader"])
def test_only_organizers_and_admins_reach_subject_rights(client, resident_id, make_user, role):
    _id, email = make_user(role)
    client.login(email)
    assert client.get(f"/privacy/residents/{resident_id}").status_code == 403
    assert client.get(f"/privacy/residents/{resident_id}/export.json").status_code == 403
    assert client.post_form(f"/privacy/residents/{resident_id}/erase", {"confirmation": "ERASE"}).status_code == 403


def test_subject_access_json_and_pdf(app, client, resident_id, make_user):
    _id, email = make_user("organizer")
    client.login(email)
    response = client.get(f"/privacy/residents/{resident_id}/export.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["first_name"] == "Hélène" and data["data_source"] == "porte-à-porte mars 2026"
    assert data["address"]["street"] == "Rue Joffre" and data["tags"] == ["locataire"]
    assert data["issues"] == ["Loyers trop chers"]
    assert data["door_knocks"][0]["note"] == "Parle des charges impayées de son voisin"
    pdf = client.get(f"/privacy/residents/{resident_id}/export.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Hélène" in text and "porte-à-porte mars 2026" in text and "Loyers trop chers" in text
    with app.app_context():
        formats = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "resident.subject_export")).all()
        assert sorted(e.details["format"] for e in formats) == ["json", "pdf"]
        assert all(e.target_id == resident_id for e in formats)


def test_exports_ask_for_the_password_again_after_a_while(client, resident_id, make_user):
    _id, email = make_user("organizer")
    client.login(email)
    with client.session_transaction() as session:
        session["auth_at"] = 0
    response = client.get(f"/privacy/residents/{resident_id}/export.json")
    assert response.status_code == 302 and "/reauthenticate" in response.headers["Location"]


def test_objection_sets_do_not_contact_and_is_audited(app, client, resident_id, make_user):
    _id, email = make_user("organizer")
    client.login(email)
    client.post_form(f"/privacy/residents/{resident_id}/objection")
    with app.app_context():
        person = db.session.get(Resident, resident_id)
        assert person.do_not_contact and person.do_not_contact_at is not None
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.objection")).target_id
            == resident_id
        )


def test_erasure_needs_the_word_then_removes_the_person_but_keeps_counts(app, client, resident_id, make_user):
    _id, email = make_user("organizer")
    client.login(email)
    client.post_form(f"/privacy/residents/{resident_id}/erase", {"confirmation": "oops"})
    with app.app_context():
        assert db.session.get(Resident, resident_id) is not None
    response = client.post_form(f"/privacy/residents/{resident_id}/erase", {"confirmation": "erase"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Resident, resident_id) is None
        knock = db.session.scalar(select(DoorKnock))
        assert knock.resident_id is None and knock.note is None and knock.result == "talked"
        assert db.session.scalar(select(func.count()).select_from(resident_tags)) == 0
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.erase"))
        assert event.target_type == "residents" and event.target_id == resident_id
        assert "Hélène" not in json.dumps(event.details)


def test_retention_purge_cli(app, runner, resident_id):
    with app.app_context():
        person = db.session.get(Resident, resident_id)
        assert person.last_contacted_at is None
    dry = runner.invoke(args=["privacy", "purge", "--dry-run", "--json"])
    assert json.loads(dry.output) == {"dry_run": True, "candidates": [], "erased": {"residents": 0}}
    with app.app_context():
        person = db.session.get(Resident, resident_id)
        person.last_contacted_at = utcnow() - timedelta(days=37 * 31)
        db.session.commit()
    dry = runner.invoke(args=["privacy", "purge", "--dry-run", "--json"])
    assert json.loads(dry.output)["candidates"] == [resident_id]
    with app.app_context():
        assert db.session.get(Resident, resident_id) is not None
    real = runner.invoke(args=["privacy", "purge"])
    assert real.exit_code == 0 and "1 resident(s) past retention" in real.output
    with app.app_context():
        assert db.session.get(Resident, resident_id) is None


def test_retention_page_for_admins(app, client, admin, resident_id):
    with app.app_context():
        db.session.get(Resident, resident_id).last_contacted_at = utcnow() - timedelta(days=4000)
        db.session.commit()
    client.login(admin[1])
    page = client.get("/privacy/retention").get_data(as_text=True)
    assert f"#{resident_id}" in page and "Hélène" not in page
    client.post_form("/privacy/retention")
    with app.app_context():
        assert db.session.get(Resident, resident_id) is None


def test_conversations_are_in_the_export_and_go_with_erasure(app, client, resident_id, make_user):
    from datetime import date

    from organizer.conversations.models import Commitment, HouseMeeting, HouseMeetingAttendee, OneOnOne, StageChange

    organizer_id, email = make_user("organizer")
    with app.app_context():
        db.session.add(
            OneOnOne(
                organizer_id=organizer_id,
                resident_id=resident_id,
                met_on=date(2026, 10, 2),
                story="Élève seule ses deux enfants",
                needs="un logement sain",
            )
        )
        meeting = HouseMeeting(
            host_id=resident_id,
            held_on=date(2026, 10, 9),
            place="chez Hélène, 12 bis rue Joffre",
            notes="Hélène a parlé de son propriétaire",
            organizer_id=organizer_id,
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.add(HouseMeetingAttendee(house_meeting_id=meeting.id, resident_id=resident_id))
        db.session.add(
            Commitment(
                from_resident_id=resident_id,
                what="Venir à la réunion publique",
                due_on=date(2026, 11, 1),
                status="open",
                owner_id=organizer_id,
            )
        )
        db.session.add(
            StageChange(
                resident_id=resident_id,
                from_stage="contact",
                to_stage="supporter",
                evidence_kind="hosted",
                evidence="A accueilli une réunion",
                by_id=organizer_id,
            )
        )
        db.session.commit()
    client.login(email)
    data = client.get(f"/privacy/residents/{resident_id}/export.json").json
    assert data["one_on_ones"][0]["story"] == "Élève seule ses deux enfants"
    assert data["house_meetings"][0]["role"] == "host"
    assert data["commitments"][0]["what"] == "Venir à la réunion publique"
    assert data["leadership_ladder"][0]["to"] == "supporter"
    client.post_form(f"/privacy/residents/{resident_id}/erase", {"confirmation": "EFFACER"})
    with app.app_context():
        assert db.session.scalar(select(func.count(OneOnOne.id))) == 0
        assert db.session.scalar(select(func.count(Commitment.id))) == 0
        assert db.session.scalar(select(func.count(StageChange.id))) == 0
        kept = db.session.scalar(select(HouseMeeting))
        assert kept.host_id is None and kept.place is None and kept.notes is None


def test_action_attendance_is_exported_then_anonymised(app, client, resident_id, make_user):
    from datetime import UTC, datetime

    from organizer.campaigns.models import Action, Attendee, Campaign

    _id, email = make_user("organizer")
    with app.app_context():
        campaign = Campaign(name="Rénovation des Acacias", status="active")
        db.session.add(campaign)
        db.session.flush()
        action = Action(
            campaign_id=campaign.id,
            kind="public_meeting",
            title="Réunion publique",
            starts_at=datetime(2026, 11, 5, 18, tzinfo=UTC),
        )
        db.session.add(action)
        db.session.flush()
        db.session.add(Attendee(action_id=action.id, resident_id=resident_id, rsvp="yes", attended=True))
        db.session.commit()
    client.login(email)
    data = client.get(f"/privacy/residents/{resident_id}/export.json").json
    exported = data["actions"][0]
    assert (exported["action"], exported["rsvp"], exported["attended"]) == ("Réunion publique", "yes", True)
    assert exported["date"].startswith("2026-11-05T18:00")
    client.post_form(f"/privacy/residents/{resident_id}/erase", {"confirmation": "ERASE"})
    with app.app_context():
        kept = db.session.scalar(select(Attendee))
        assert kept.resident_id is None and kept.attended and kept.name == "—"
