"""Dashboard panel: the actions coming up."""

from datetime import UTC, date, datetime, time, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organizer.campaigns.models import Action
from organizer.extensions import db
from organizer.kernel.contributions import Panel

HORIZON_DAYS = 45


def upcoming_actions(viewer, today: date) -> dict:
    """The next actions of every campaign (every role may read campaigns), soonest first."""
    start = datetime.combine(today, time.min, UTC)
    actions = db.session.scalars(
        select(Action)
        .where(Action.starts_at >= start, Action.starts_at < start + timedelta(days=HORIZON_DAYS))
        .order_by(Action.starts_at)
        .limit(5)
    ).all()
    return {
        "items": [
            {
                "title": a.title,
                "starts_at": a.starts_at,
                "place": a.place,
                "url": url_for("campaigns.action", action_id=a.id),
            }
            for a in actions
        ],
        "empty": _l("No action planned in the next %(days)s days.", days=HORIZON_DAYS),
        "more_url": url_for("campaigns.index"),
        "more_label": _l("All campaigns"),
    }


PANELS = [Panel("upcoming_actions", _l("Upcoming actions"), "core/panels/upcoming.html", upcoming_actions, 60)]
