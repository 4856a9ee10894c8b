"""Dashboard panel: the meetings coming up (those the viewer may see)."""

from datetime import UTC, date, datetime, time

from flask import url_for
from flask_babel import lazy_gettext as _l

from organizer.kernel.contributions import Panel
from organizer.meetings import services


def upcoming_meetings(viewer, today: date) -> dict:
    """Every upcoming meeting for organizers and leaders; the viewer's own for others."""
    scope = None if viewer.has_role("organizer", "leader") else viewer
    upcoming, _past = services.meetings_for_list(scope, now=datetime.combine(today, time.min, UTC))
    return {
        "items": [
            {
                "title": m.title,
                "starts_at": m.starts_at,
                "place": m.place,
                "url": url_for("meetings.show", meeting_id=m.id),
            }
            for m in upcoming[:5]
        ],
        "empty": _l("No meeting planned."),
        # Canvassers reach their meetings from here only: the meetings list is for organizers and leaders.
        "more_url": url_for("meetings.index") if scope is None else None,
        "more_label": _l("All meetings"),
    }


PANELS = [Panel("upcoming_meetings", _l("Upcoming meetings"), "core/panels/upcoming.html", upcoming_meetings, 65)]
