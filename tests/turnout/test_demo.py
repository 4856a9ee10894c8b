"""The demo shows turnout at work: a published sign-up page and a call list shared between two callers."""

from sqlalchemy import func, select

from organizer.demo.services import load_demo_data
from organizer.extensions import db
from organizer.turnout.models import ReminderCall, SignupPage


def test_demo_publishes_a_page_and_shares_a_call_list_once(app):
    with app.app_context():
        load_demo_data()
        db.session.commit()
        load_demo_data()
        db.session.commit()
        assert db.session.scalar(select(func.count(SignupPage.id))) == 1
        callers = db.session.execute(
            select(ReminderCall.caller_id, func.count()).group_by(ReminderCall.caller_id)
        ).all()
        assert len(callers) == 2 and sum(count for _caller, count in callers) >= 6
