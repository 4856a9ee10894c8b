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


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_conversations(app, client, make_user):
    with app.app_context():
        # The residents demo (earlier in FEATURES) brings the people; the conversations demo talks with them.
        report = load_demo_data()
        db.session.commit()
        assert report.created["door knocks"] == 200
        counts = {m.__name__: _count(m) for m in (DoorKnock, OneOnOne, HouseMeeting, Commitment, StageChange, Issue)}
        assert counts["DoorKnock"] == 200 and counts["OneOnOne"] == 15 and counts["HouseMeeting"] == 3
        # The campaigns demo links one issue of its own (housing); the conversations demo brings five.
        assert counts["Commitment"] >= 10 and counts["StageChange"] >= 3 and counts["Issue"] >= 5
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
