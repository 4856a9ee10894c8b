"""What turnout holds about a person (sign-ups, reminder calls, e-mail to them), for access and erasure."""

from sqlalchemy import delete, select

from organizer.campaigns.models import Action
from organizer.extensions import db
from organizer.mail.models import OutgoingMail
from organizer.meetings.models import Meeting
from organizer.privacy.services import eraser, subject_section
from organizer.turnout.models import ReminderCall, Signup


@subject_section
def turnout_section(resident):
    """Public sign-ups, reminder calls (outcome and note) and e-mail sent or waiting, with the e-mail consent."""
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
    mail = db.session.execute(
        select(OutgoingMail.subject, OutgoingMail.to_address, OutgoingMail.state, OutgoingMail.created_at)
        .where(OutgoingMail.resident_id == resident.id)
        .order_by(OutgoingMail.id)
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
    rows += [{"email": subject, "to": to, "state": state, "at": _iso(at)} for subject, to, state, at in mail]
    return "turnout", rows


@eraser
def forget_turnout(resident_ids: list[int]) -> dict[str, int]:
    """Sign-ups, call notes and queued or sent e-mail go with the person."""
    counts = {}
    for name, model in (("signups", Signup), ("reminder_calls", ReminderCall), ("outgoing_mail", OutgoingMail)):
        result = db.session.execute(delete(model).where(model.resident_id.in_(resident_ids)))
        counts[f"{name}_deleted"] = result.rowcount
    return counts


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
