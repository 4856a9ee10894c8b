"""What the campaigns hold about a person: the actions they were invited to or attended."""

from sqlalchemy import select, update

from organizer.campaigns.models import Action, Attendee
from organizer.extensions import db

# Stands in for an erased person on a check-in list, so turnout counts stay right.
ERASED_NAME = "—"


def anonymise_attendance(resident_ids: list[int]) -> dict[str, int]:
    """Attendance rows stay (turnout) without the person."""
    result = db.session.execute(
        update(Attendee)
        .where(Attendee.resident_id.in_(resident_ids))
        .values(resident_id=None, name=ERASED_NAME, phone=None, consent=False)
    )
    return {"action_attendance_anonymised": result.rowcount}


def actions_section(resident):
    """Actions the person was invited to or attended."""
    rows = db.session.execute(
        select(Action.title, Action.starts_at, Attendee.rsvp, Attendee.attended)
        .join(Attendee, Attendee.action_id == Action.id)
        .where(Attendee.resident_id == resident.id)
        .order_by(Action.starts_at)
    ).all()
    return "actions", [
        {"action": title, "date": starts_at.isoformat(), "rsvp": rsvp, "attended": attended}
        for title, starts_at, rsvp, attended in rows
    ]
