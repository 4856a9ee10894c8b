"""Dashboard panel (contributions.py): my reminder calls still to make."""

from datetime import UTC, date, datetime, time

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from organizer.campaigns.models import Action
from organizer.extensions import db
from organizer.kernel.contributions import Panel
from organizer.meetings.models import Meeting
from organizer.turnout.models import ReminderCall


def my_calls(viewer, today: date) -> dict | None:
    """Upcoming actions and meetings where the viewer has people left to call; hidden when there are none."""
    start = datetime.combine(today, time.min, UTC)
    items = []
    for model, column, kind in (
        (Action, ReminderCall.action_id, "action"),
        (Meeting, ReminderCall.meeting_id, "meeting"),
    ):
        rows = db.session.execute(
            select(model.id, model.title, model.starts_at, model.place, func.count(ReminderCall.id))
            .join(ReminderCall, column == model.id)
            .where(ReminderCall.caller_id == viewer.id, ReminderCall.outcome.is_(None), model.starts_at >= start)
            .group_by(model.id, model.title, model.starts_at, model.place)
        ).all()
        items += [
            {
                "title": f"{title} ({count})",
                "starts_at": starts_at,
                "place": place,
                "url": url_for("turnout.my_calls", kind=kind, event_id=event_id),
            }
            for event_id, title, starts_at, place, count in rows
        ]
    if not items:
        return None
    items.sort(key=lambda item: item["starts_at"])
    return {"items": items[:5], "more_url": url_for("turnout.my_calls_index"), "more_label": _l("My calls")}


PANELS = [Panel("my_calls", _l("Calls to make"), "core/panels/upcoming.html", my_calls, 55)]
