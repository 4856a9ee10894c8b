"""What the campaign pages share: who reads and edits, record loading, the conflict page."""

from flask import abort, current_app
from flask_login import current_user

from organizer.auth.models import Role
from organizer.campaigns import services
from organizer.campaigns.models import Action, Campaign, CampaignActor

READERS = (Role.ORGANIZER, Role.LEADER, Role.CANVASSER)
EDITORS = (Role.ORGANIZER, Role.LEADER)


def _timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _campaign_or_404(campaign_id: int) -> Campaign:
    return services.load_campaign(campaign_id) or abort(404)


def _action_or_404(action_id: int) -> Action:
    return services.load_action(action_id) or abort(404)


def _require_edit(campaign: Campaign) -> None:
    if not services.can_edit(current_user, campaign):
        abort(403)


def _require_directory_edit() -> None:
    if not services.can_edit_directory(current_user):
        abort(403)


def _sorted_links(campaign: Campaign) -> list[CampaignActor]:
    order = {"primary": 0, "secondary": 1, "other": 2}
    return sorted(campaign.campaign_actors, key=lambda link: (order[link.role], -link.influence, link.actor.name))
