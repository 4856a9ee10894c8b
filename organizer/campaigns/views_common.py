"""What the campaign pages share: who reads and edits, record loading, the conflict page."""

from flask import abort, current_app, render_template, request
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


def _conflict(template_title: str, fields: list[tuple[str, str, str]], action_url: str, cancel_url: str, version):
    """The 409 page: what you sent beside what is saved now, and a way to keep yours."""
    resend = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "version")]
    return (
        render_template(
            "campaigns/conflict.html",
            title=template_title,
            fields=fields,
            resend=resend,
            action_url=action_url,
            cancel_url=cancel_url,
            version=version,
        ),
        409,
    )


def _sorted_links(campaign: Campaign) -> list[CampaignActor]:
    order = {"primary": 0, "secondary": 1, "other": 2}
    return sorted(campaign.campaign_actors, key=lambda link: (order[link.role], -link.influence, link.actor.name))
