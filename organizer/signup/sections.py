"""The public sign-up page's section of an action's page (contributions.py): online or not, the short link,
the QR code, and the button that publishes it."""

from flask import current_app

from organizer.campaigns import services as campaigns
from organizer.signup import services
from organizer.signup.forms import PublishForm


def public_page_panel(action, viewer) -> dict:
    """What the action page shows about its public page."""
    signup_page = services.page_for(action.id)
    return {
        "page": signup_page,
        "url": services.public_url(signup_page.code) if signup_page else None,
        "form": PublishForm(),
        "can_edit": campaigns.can_edit(viewer, action.campaign),
        "max_per_address": current_app.config["SIGNUP_MAX_PER_ADDRESS"],
    }
