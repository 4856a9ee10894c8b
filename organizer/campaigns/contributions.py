"""What campaigns add elsewhere: upcoming actions on the dashboard, actions and council meetings in the
calendar feeds, their part of subject rights, and who may see their records (every signed-in role, feeds
their owner only)."""

from organizer.campaigns import access, calendar, dashboard, privacy
from organizer.campaigns.models import RSVP_ANSWERS
from organizer.kernel.contributions import Contribution

CONTRIBUTION = Contribution(
    panels=dashboard.PANELS,
    calendar=[calendar.campaign_actions, calendar.council_meetings],
    subject_sections=[privacy.actions_section],
    erasers=[privacy.anonymise_attendance],
    record_scopes=access.RECORD_SCOPES,
    subject_labels={"rsvp": RSVP_ANSWERS},
)
