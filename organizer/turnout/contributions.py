"""What turnout adds elsewhere: my calls still to make on the dashboard, the turnout figures and call list on
an action's page, a meeting's call list on its page, sign-ups and calls on a resident's timeline, and their
part of subject rights (call notes and sign-ups are personal data)."""

from organizer.kernel.contributions import Contribution, Section
from organizer.turnout import dashboard, privacy, sections, timeline

CONTRIBUTION = Contribution(
    panels=dashboard.PANELS,
    sections=[
        Section("campaigns.action", "turnout", "turnout/_action_panel.html", sections.action_panel, 10),
        Section("meetings.show", "reminder_calls", "turnout/_meeting_panel.html", sections.meeting_panel, 10),
    ],
    timeline=[timeline.turnout_entries],
    subject_sections=[privacy.turnout_section],
    erasers=[privacy.forget_turnout],
)
