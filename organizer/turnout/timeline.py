"""Turnout on a resident's timeline (contributions.py): public sign-ups and reminder calls (organizers and leaders)."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from organizer.campaigns.models import Action
from organizer.extensions import db
from organizer.kernel.contributions import TimelineEntry
from organizer.meetings.models import Meeting
from organizer.turnout.labels import OUTCOME_LABELS
from organizer.turnout.models import ReminderCall, Signup


def turnout_entries(resident_ids: list[int], viewer) -> list[tuple[int, TimelineEntry]]:
    """One entry per sign-up and per call made, two queries for any number of residents."""
    if not resident_ids or not viewer.has_role("organizer", "leader"):
        return []
    entries = []
    signups = db.session.execute(
        select(Signup.resident_id, Signup.created_at, Signup.party_size, Signup.cancelled_at, Action.id, Action.title)
        .join(Action, Action.id == Signup.action_id)
        .where(Signup.resident_id.in_(resident_ids))
    )
    for resident_id, at, size, cancelled, action_id, title in signups:
        detail = ngettext("%(num)s person", "%(num)s people", size)
        if cancelled:
            detail += " · " + _("can't come any more")
        url = url_for("campaigns.action", action_id=action_id)
        entry = TimelineEntry(
            at=at, kind="signup", title=_("Signed up: %(title)s", title=title), detail=detail, url=url
        )
        entries.append((resident_id, entry))
    calls = db.session.execute(
        select(
            ReminderCall.resident_id,
            ReminderCall.called_at,
            ReminderCall.outcome,
            ReminderCall.note,
            Action.title,
            Meeting.title,
        )
        .outerjoin(Action, Action.id == ReminderCall.action_id)
        .outerjoin(Meeting, Meeting.id == ReminderCall.meeting_id)
        .where(ReminderCall.resident_id.in_(resident_ids), ReminderCall.called_at.is_not(None))
    )
    for resident_id, at, outcome, note, action_title, meeting_title in calls:
        title = _("Reminder call: %(title)s", title=action_title or meeting_title)
        detail = str(OUTCOME_LABELS.get(outcome, outcome)) + (f" · {note}" if note else "")
        entries.append((resident_id, TimelineEntry(at=at, kind="call", title=title, detail=detail)))
    return entries
