"""Turnout figures of an action, reminder call lists (build, split among callers, outcomes) and their effects."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from organizer.audit import services as audit
from organizer.campaigns.models import Action, Attendee
from organizer.db import utcnow
from organizer.extensions import db
from organizer.residents.models import Resident
from organizer.turnout.models import ReminderCall, Signup


@dataclass
class Turnout:
    """Goal, who confirmed (with the people they bring), maybe, and who came."""

    goal: int | None
    confirmed: int
    maybe: int
    came: int

    @property
    def percent(self) -> int | None:
        if not self.goal:
            return None
        return min(100, round(100 * self.confirmed / self.goal))

    def as_dict(self) -> dict:
        return {
            "goal": self.goal,
            "confirmed": self.confirmed,
            "maybe": self.maybe,
            "came": self.came,
            "percent": self.percent,
        }


def turnout(action: Action) -> Turnout:
    """Three counting queries: RSVPs and check-ins, then the extra people sign-ups bring."""
    yes, maybe, came = db.session.execute(
        select(
            func.count(case((Attendee.rsvp == "yes", 1))),
            func.count(case((Attendee.rsvp == "maybe", 1))),
            func.count(case((Attendee.attended.is_(True), 1))),
        ).where(Attendee.action_id == action.id)
    ).one()
    guests = db.session.scalar(
        select(func.coalesce(func.sum(Signup.party_size - 1), 0))
        .join(Attendee, (Attendee.action_id == Signup.action_id) & (Attendee.resident_id == Signup.resident_id))
        .where(Signup.action_id == action.id, Signup.cancelled_at.is_(None), Attendee.rsvp == "yes")
    )
    # People promised on a reminder call ("I'll bring my neighbour"), for those still coming.
    bringing = db.session.scalar(
        select(func.coalesce(func.sum(ReminderCall.bringing), 0))
        .join(
            Attendee,
            (Attendee.action_id == ReminderCall.action_id) & (Attendee.resident_id == ReminderCall.resident_id),
        )
        .where(ReminderCall.action_id == action.id, Attendee.rsvp == "yes")
    )
    return Turnout(goal=action.turnout_goal, confirmed=yes + int(guests) + int(bringing), maybe=maybe, came=came)


def mark_do_not_contact(resident: Resident) -> None:
    """The person asked not to be called again: an objection, honoured everywhere (lists, sheets, e-mail)."""
    if not resident.do_not_contact:
        resident.do_not_contact, resident.do_not_contact_at = True, utcnow()
        audit.record("resident.do_not_contact", resident, source="reminder_call")


def commitment_text(title: str, bringing: int) -> str:
    """What the person promised, as the commitments list shows it."""
    if bringing:
        return _("Come to %(title)s and bring %(count)s person(s)", title=title, count=bringing)
    return _("Come to %(title)s", title=title)
