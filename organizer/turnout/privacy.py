"""What turnout holds about a person (consent to e-mail, sign-ups, reminder calls with their notes), for subject
access and erasure (contributions.py). The e-mail itself is the mail feature's part."""

from sqlalchemy import delete, select

from organizer.campaigns.models import Action
from organizer.extensions import db
from organizer.meetings.models import Meeting
from organizer.turnout.models import ReminderCall, Signup


def turnout_section(resident):
    """The e-mail consent, public sign-ups and reminder calls (outcome and note)."""
    signups = db.session.execute(
        select(Action.title, Signup.created_at, Signup.party_size, Signup.email_consent, Signup.cancelled_at)
        .join(Action, Action.id == Signup.action_id)
        .where(Signup.resident_id == resident.id)
        .order_by(Signup.created_at)
    ).all()
    calls = db.session.execute(
        select(Action.title, Meeting.title, ReminderCall.outcome, ReminderCall.note, ReminderCall.called_at)
        .outerjoin(Action, Action.id == ReminderCall.action_id)
        .outerjoin(Meeting, Meeting.id == ReminderCall.meeting_id)
        .where(ReminderCall.resident_id == resident.id)
        .order_by(ReminderCall.id)
    ).all()
    rows = [{"email_consent": resident.email_consent, "since": _iso(resident.email_consent_at)}]
    rows += [
        {"signup": title, "at": _iso(at), "people": size, "email_consent": consent, "cancelled": _iso(cancelled)}
        for title, at, size, consent, cancelled in signups
    ]
    rows += [
        {"reminder_call": action or meeting, "outcome": outcome, "note": note, "at": _iso(at)}
        for action, meeting, outcome, note, at in calls
    ]
    return "turnout", rows


def forget_turnout(resident_ids: list[int]) -> dict[str, int]:
    """Sign-ups and reminder calls (with their notes) go with the person."""
    counts = {}
    for name, model in (("signups", Signup), ("reminder_calls", ReminderCall)):
        result = db.session.execute(delete(model).where(model.resident_id.in_(resident_ids)))
        counts[f"{name}_deleted"] = result.rowcount
    return counts


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
