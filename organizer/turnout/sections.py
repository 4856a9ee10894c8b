"""Turnout's sections of other features' pages (contributions.py): goal against confirmed and the call list's
progress on an action's page, the reminder calls of a meeting on the meeting's page."""

from organizer.campaigns import services as campaigns
from organizer.turnout import calls, services
from organizer.turnout.labels import OUTCOME_LABELS

EDITORS = ("organizer", "leader")


def action_panel(action, viewer) -> dict:
    """Goal against confirmed (refreshed live by static/js/turnout.js), and who has been called."""
    event = calls.Event("action", action.id, action.title, action.starts_at, action.place, action.turnout_goal, action)
    return {
        "turnout": services.turnout(action),
        "calls": calls.progress(event),
        "outcomes": OUTCOME_LABELS,
        "can_organize": campaigns.can_edit(viewer, action.campaign),
    }


def meeting_panel(meeting, viewer) -> dict | None:
    """The meeting's call list (organizers and leaders, who prepare meetings)."""
    if not viewer.has_role(*EDITORS):
        return None
    event = calls.Event("meeting", meeting.id, meeting.title, meeting.starts_at, meeting.place, None, meeting)
    return {"calls": calls.progress(event), "outcomes": OUTCOME_LABELS}
