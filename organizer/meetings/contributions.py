"""What meetings add elsewhere: upcoming meetings on the dashboard, meetings in the calendar feeds and on the
resident page's timeline, their part of subject access, and who may see a meeting (organizer.meetings.access)."""

from organizer.kernel.contributions import Contribution
from organizer.meetings import access, calendar, dashboard, privacy, timeline
from organizer.meetings.forms import RSVP_LABELS

CONTRIBUTION = Contribution(
    panels=dashboard.PANELS,
    calendar=[calendar.meetings],
    timeline=[timeline.meetings_attended],
    subject_sections=[privacy.meetings_section],
    record_scopes=access.RECORD_SCOPES,
    subject_labels={"rsvp": RSVP_LABELS},
)
