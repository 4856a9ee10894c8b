"""The demo meetings load twice without duplicates and show a commitments review."""

from sqlalchemy import func, select

from organizer.demo.services import load_demo_data
from organizer.extensions import db
from organizer.meetings import commitments, services
from organizer.meetings.models import Meeting, MeetingTemplate


def test_demo_is_idempotent_and_reviews_commitments(app):
    with app.app_context():
        load_demo_data()
        db.session.commit()
        load_demo_data()
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 3
        assert db.session.scalar(select(func.count()).select_from(MeetingTemplate)) == 4
        upcoming, past = services.meetings_for_list()
        assert len(upcoming) == 2 and len(past) == 1
        assert past[0].minutes and past[0].decisions
        planning = next(m for m in upcoming if m.title == past[0].title)
        due, open_ = commitments.review(services.load_meeting(planning.id))
        assert {row.what for row in due + open_} >= {
            "Faire signer la pétition au bâtiment A",
            "Demander un rendez-vous au bailleur",
        }
        house = next(m for m in upcoming if m.id != planning.id)
        assert house.place and len(services.load_meeting(house.id).items) == 7
