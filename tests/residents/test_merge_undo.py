"""Merging two records of one person field by field, and undoing it within 30 days."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from organizer.audit.models import AuditEvent
from organizer.campaigns.models import Action, Attendee, Campaign
from organizer.conversations.models import Commitment, DoorKnock
from organizer.extensions import db
from organizer.residents import services
from organizer.residents.models import Resident, ResidentMerge


def _pair(app):
    """Hélène André twice (typed by hand and imported), both at the same action, each with their own history."""
    with app.app_context():
        first = services.create_resident(
            {"first_name": "Hélène", "last_name": "André", "phone": "06 99 66 01 29", "data_source": "Porte-à-porte"},
            address={"number": "21", "street": "rue Monety"},
        )
        second = services.create_resident(
            {
                "first_name": "Helene",
                "last_name": "ANDRE",
                "phone": "07 11 22 33 44",
                "email": "helene.andre@example.org",
                "data_source": "Liste électorale",
                "do_not_contact": True,
            },
            address={"number": "21", "street": "Rue Monety"},
        )
        db.session.refresh(first, ["tags"])
        db.session.refresh(second, ["tags"])
        services.set_tags(first, ["locataire"])
        services.set_tags(second, ["locataire", "amicale"])
        campaign = Campaign(name="Loyers")
        db.session.add(campaign)
        db.session.flush()
        action = Action(campaign_id=campaign.id, kind="rally", title="Rassemblement", starts_at=datetime.now(UTC))
        db.session.add(action)
        db.session.flush()
        db.session.add_all(
            [
                Attendee(action_id=action.id, resident_id=first.id, rsvp="yes"),
                Attendee(action_id=action.id, resident_id=second.id, rsvp="maybe", attended=True),
                DoorKnock(household_id=second.household_id, resident_id=second.id, result="talked"),
                Commitment(from_resident_id=second.id, what="Venir à la réunion", status="open"),
            ]
        )
        db.session.commit()
        return first.id, second.id


def _snapshot(app, ids):
    with app.app_context():
        residents = {
            r.id: (
                r.first_name,
                r.last_name,
                r.phone,
                r.email,
                r.do_not_contact,
                r.data_source,
                sorted(t.name for t in r.tags),
            )
            for r in db.session.scalars(
                select(Resident).where(Resident.id.in_(ids)).options(selectinload(Resident.tags))
            )
        }
        attendees = sorted(db.session.execute(select(Attendee.resident_id, Attendee.rsvp, Attendee.attended)).all())
        knocks = sorted(db.session.scalars(select(DoorKnock.resident_id)).all())
        commitments = sorted(db.session.scalars(select(Commitment.from_resident_id)).all())
        return residents, attendees, knocks, commitments


def test_side_by_side_choices_move_everything_and_undo_puts_it_back(app, client, people):
    first, second = _pair(app)
    before = _snapshot(app, [first, second])
    client.login(people["organizer"])
    page = client.get(f"/residents/merge?keep={first}&other={second}").get_data(as_text=True)
    assert "06 99 66 01 29" in page and "07 11 22 33 44" in page and "helene.andre@example.org" in page
    assert 'data-testid="choice-phone-other"' in page and "Door knocks: 1" in page
    response = client.post_form(
        "/residents/merge", {"keep_id": first, "other_id": second, "choice_phone": "other", "choice_first_name": "keep"}
    )
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.scalar(select(Resident).where(Resident.id == first).options(selectinload(Resident.tags)))
        assert db.session.get(Resident, second) is None
        assert (kept.first_name, kept.phone, kept.email) == ("Hélène", "+33711223344", "helene.andre@example.org")
        assert kept.do_not_contact  # refusing contact on either record wins
        assert sorted(t.name for t in kept.tags) == ["amicale", "locataire"]
        # One RSVP per action: the kept record's stays, the other's is put aside (and back on undo).
        assert db.session.execute(select(Attendee.resident_id, Attendee.rsvp)).all() == [(first, "yes")]
        assert db.session.scalars(select(DoorKnock.resident_id)).all() == [first]
        assert db.session.scalars(select(Commitment.from_resident_id)).all() == [first]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.merge"))
        assert event.details["fields"] == ["phone"] and event.details["moved"]["door_knocks"] == 1
    page = client.get(f"/residents/{first}").get_data(as_text=True)
    assert 'data-testid="merge-undo"' in page and "Helene ANDRE was merged into this record" in page
    merge_id = db_merge_id(app)
    response = client.post_form(f"/residents/merges/{merge_id}/undo")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/residents/{second}")
    assert _snapshot(app, [first, second]) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "resident.merge_undo")) == 1
        assert db.session.get(ResidentMerge, merge_id).undone_at is not None
    # Undone once: the button is gone and a second try is refused.
    assert 'data-testid="merge-undo"' not in client.get(f"/residents/{first}").get_data(as_text=True)
    client.post_form(f"/residents/merges/{merge_id}/undo")
    assert _snapshot(app, [first, second]) == before


def db_merge_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(ResidentMerge.id))


def test_undo_is_refused_after_30_days_and_old_records_are_purged(app, client, people):
    first, second = _pair(app)
    client.login(people["organizer"])
    client.post_form("/residents/merge", {"keep_id": first, "other_id": second})
    merge_id = db_merge_id(app)
    with app.app_context():
        record = db.session.get(ResidentMerge, merge_id)
        record.created_at = datetime.now(UTC) - timedelta(days=31)
        db.session.commit()
    assert 'data-testid="merge-undo"' not in client.get(f"/residents/{first}").get_data(as_text=True)
    page = client.post_form(f"/residents/merges/{merge_id}/undo", follow_redirects=True).get_data(as_text=True)
    assert "can no longer be undone" in page
    with app.app_context():
        assert db.session.get(Resident, second) is None
        from organizer.residents.merging import purge_expired

        assert purge_expired() == 1


def test_leader_may_not_merge_or_undo(app, client, people):
    first, second = _pair(app)
    client.login(people["leader"])
    assert client.get(f"/residents/merge?keep={first}&other={second}").status_code == 403
    assert client.post_form("/residents/merges/1/undo").status_code == 403
