"""What signup adds elsewhere: the public sign-up page's section of an action's page (publish, short link, QR
code, flyer). The sign-ups themselves are turnout's records (and its part of subject rights)."""

from organizer.kernel.contributions import Contribution, Section
from organizer.signup import sections

CONTRIBUTION = Contribution(
    sections=[
        Section("campaigns.action", "public_page", "signup/_action_panel.html", sections.public_page_panel, 20),
    ],
)
