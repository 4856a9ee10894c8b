"""The demo conversations: nothing without residents, realistic and idempotent with them."""

from sqlalchemy import func, select

from organizer.conversations.models import (
    Commitment,
    DoorKnock,
    HouseMeeting,
    HouseMeetingAttendee,
    Issue,
    OneOnOne,
    StageChange,
)
from organizer.demo.services import load_demo_data
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import name_key


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_conversations(app, client, make_user):
    with app.app_context():
        load_demo_data()
        db.session.commit()
        assert _count(DoorKnock) == 0 and _count(Issue) == 0  # no residents: nothing
        for number in range(1, 81):
            address = Address(number=number, street="Rue de la Paix", street_key="rue de la paix")
            db.session.add(address)
            db.session.flush()
            household = Household(address_id=address.id)
            db.session.add(household)
            db.session.flush()
            first, last = f"Prénom{number}", f"Nom{number}"
            db.session.add(
                Resident(
                    first_name=first,
                    last_name=last,
                    name_key=name_key(first, last),
                    household_id=household.id,
                    data_source="démo",
                )
            )
        db.session.commit()
        report = load_demo_data()
        db.session.commit()
        assert report.created["door knocks"] == 200
        counts = {m.__name__: _count(m) for m in (DoorKnock, OneOnOne, HouseMeeting, Commitment, StageChange, Issue)}
        assert counts["DoorKnock"] == 200 and counts["OneOnOne"] == 15 and counts["HouseMeeting"] == 3
        assert counts["Commitment"] >= 10 and counts["StageChange"] >= 3 and counts["Issue"] == 5
        # The chain: the second meeting's host was brought to the first one.
        hosts = db.session.scalars(select(HouseMeeting.host_id).order_by(HouseMeeting.held_on)).all()
        first_guests = db.session.scalars(
            select(HouseMeetingAttendee.resident_id).join(HouseMeeting).where(HouseMeeting.host_id == hosts[0])
        ).all()
        assert hosts[1] in first_guests
        assert db.session.scalar(select(func.count()).where(Commitment.status == "done")) > 0
        third = db.session.scalar(select(HouseMeeting.id).order_by(HouseMeeting.held_on.desc()))
        again = load_demo_data()
        db.session.commit()
        assert "door knocks" not in again.created and _count(DoorKnock) == 200
    # The third host was brought by a guest of the second meeting, brought by its host, who was brought (via a
    # guest) to the first meeting: four links back to the first host.
    _id, email = make_user("organizer")
    client.login(email)
    page = client.get(f"/conversations/house-meetings/{third}").get_data(as_text=True)
    assert 'data-testid="chain"' in page and page.count("was brought by") == 4
