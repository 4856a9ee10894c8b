"""Meetings appear in the personal iCalendar feed, only for those who may see them."""

from datetime import UTC, datetime

from icalendar import Calendar

from organizer.auth.models import User
from organizer.campaigns import calendar
from organizer.extensions import db
from organizer.meetings import services


def _feed_uids(app, user_id):
    with app.test_request_context():
        feed = Calendar.from_ical(calendar.feed_for(db.session.get(User, user_id)))
        return {str(event["UID"]): event for event in feed.walk("VEVENT")}


def test_meetings_in_the_feed_by_role(app, make_user, make_meeting):
    meeting_id = make_meeting(
        "Réunion de préparation", starts_at=datetime(2030, 3, 12, 17, 30, tzinfo=UTC), place="Salle des fêtes"
    )
    organizer_id, _ = make_user("organizer")
    canvasser_id, _ = make_user("canvasser")
    events = _feed_uids(app, organizer_id)
    meeting = next(e for uid, e in events.items() if uid.startswith(f"meeting-{meeting_id}@"))
    assert str(meeting["SUMMARY"]) == "Réunion de préparation" and str(meeting["LOCATION"]) == "Salle des fêtes"
    assert meeting.decoded("DTSTART") == datetime(2030, 3, 12, 17, 30, tzinfo=UTC)
    assert not any(uid.startswith("meeting-") for uid in _feed_uids(app, canvasser_id))
    with app.app_context():
        services.add_user_attendee(db.session.get(services.Meeting, meeting_id), canvasser_id)
        db.session.commit()
    assert any(uid.startswith(f"meeting-{meeting_id}@") for uid in _feed_uids(app, canvasser_id))
