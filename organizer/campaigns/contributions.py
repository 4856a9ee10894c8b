"""What campaigns add elsewhere: upcoming actions on the dashboard, actions and council meetings in the
calendar feeds, and their part of subject rights."""

from organizer.campaigns import calendar, dashboard, privacy
from organizer.campaigns.models import RSVP_ANSWERS
from organizer.kernel.contributions import Contribution

CONTRIBUTION = Contribution(
    panels=dashboard.PANELS,
    calendar=[calendar.campaign_actions, calendar.council_meetings],
    subject_sections=[privacy.actions_section],
    erasers=[privacy.anonymise_attendance],
    subject_labels={"rsvp": RSVP_ANSWERS},
)
