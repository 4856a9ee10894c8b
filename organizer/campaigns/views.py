"""Campaign pages: strategy chart, power map, actions, evaluation, directory, calendar feeds, printing.

The campaign pages are here; the other areas live in views_*.py and are mounted on this one blueprint below."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from organizer.audit import services as audit
from organizer.auth.permissions import require_role
from organizer.campaigns import powermap, services, views_actions, views_calendar, views_directory
from organizer.campaigns.forms import ButtonForm, CampaignForm, PlaceActorForm
from organizer.campaigns.models import (
    ACTION_KINDS,
    ACTOR_KINDS,
    ACTOR_ROLES,
    CAMPAIGN_STATUSES,
    DEMAND_ANSWERS,
    LOCAL_BODY_LEVELS,
    RSVP_ANSWERS,
    STAKEHOLDER_KINDS,
    STANCES,
    Actor,
    Campaign,
)
from organizer.campaigns.views_common import EDITORS, READERS, _campaign_or_404, _require_edit, _sorted_links
from organizer.extensions import db
from organizer.kernel.unit_of_work import check_version, commit, unit_of_work
from organizer.printing.pdf import pdf_response, render_pdf

bp = Blueprint("campaigns", __name__)
URL_PREFIX = "/campaigns"
NAVIGATION = [
    ("campaigns.index", _l("Campaigns"), READERS, 40),
    ("campaigns.local_bodies", _l("Local government"), READERS, 45),
]
LABELS = {
    "statuses": CAMPAIGN_STATUSES,
    "stakeholder_kinds": STAKEHOLDER_KINDS,
    "roles": ACTOR_ROLES,
    "stances": STANCES,
    "action_kinds": ACTION_KINDS,
    "answers": DEMAND_ANSWERS,
    "levels": LOCAL_BODY_LEVELS,
    "actor_kinds": ACTOR_KINDS,
    "rsvps": RSVP_ANSWERS,
}


@bp.app_context_processor
def campaign_labels():
    return {"campaign_labels": LABELS}


# --- Campaigns ---------------------------------------------------------------------------------------


@bp.route("/")
@require_role(*READERS)
def index():
    """Every campaign, the live ones first."""
    campaigns = services.list_campaigns()
    return render_template(
        "campaigns/index.html",
        campaigns=campaigns,
        can_create=services.can_create(current_user),
        can_edit={c.id: services.can_edit(current_user, c) for c in campaigns},
    )


def _campaign_form(campaign: Campaign | None = None, formdata=None) -> CampaignForm:
    if campaign is not None and formdata is None:
        form = CampaignForm(formdata=None, obj=campaign)
        form.version.data = str(campaign.version)
        primary = services.targets(campaign, "primary")
        form.primary_target.data = primary[0].actor_id if primary else None
        form.secondary_targets.data = [link.actor_id for link in services.targets(campaign, "secondary")]
        form.lead.data = campaign.lead_id
        form.team.data = [member.id for member in campaign.team]
        form.issues.data = [issue.id for issue in campaign.issues]
    else:
        form = CampaignForm()
        if campaign is None and request.method == "GET":
            form.lead.data = current_user.id
            form.team.data = [current_user.id]
    form.set_choices(services.actor_choices(), services.user_choices(), services.issue_choices())
    return form


def _save_campaign_from(form: CampaignForm, campaign: Campaign | None) -> Campaign:
    rows = [
        services.StakeholderRow(
            kind=row.kind.data,
            who=row.who.data or "",
            whose_problem=row.whose_problem.data,
            gain_or_risk=row.gain_or_risk.data,
            power=row.power.data,
        )
        for row in form.stakeholders
    ]
    data = {name: getattr(form, name).data for name in services.CAMPAIGN_FIELDS}
    return services.save_campaign(
        campaign,
        data,
        by=current_user,
        lead_id=form.lead.data,
        team_ids=form.team.data or [],
        issue_ids=form.issues.data or [],
        stakeholders=rows,
        primary_target_id=form.primary_target.data,
        secondary_target_ids=form.secondary_targets.data or [],
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def new_campaign():
    """Start a strategy chart."""
    form = _campaign_form()
    if form.validate_on_submit():
        campaign = _save_campaign_from(form, None)
        commit()
        flash(_("Campaign created."), "success")
        return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    if request.method == "GET":
        form.pad_stakeholders()
    return render_template("campaigns/edit.html", form=form, campaign=None)


@bp.route("/<int:campaign_id>")
@require_role(*READERS)
def show(campaign_id: int):
    """The strategy chart, the power map and the timeline of actions."""
    campaign = _campaign_or_404(campaign_id)
    can_edit = services.can_edit(current_user, campaign)
    place_form = None
    if can_edit:
        place_form = PlaceActorForm()
        place_form.actor.choices = [("", _("— choose —"))] + [(a.id, a.name) for a in services.actor_choices()]
    return render_template(
        "campaigns/show.html",
        campaign=campaign,
        can_edit=can_edit,
        power_map=powermap.build(campaign.campaign_actors),
        links=_sorted_links(campaign),
        timeline=services.timeline(campaign),
        primary=services.targets(campaign, "primary"),
        secondary=services.targets(campaign, "secondary"),
        place_form=place_form,
        button_form=ButtonForm(),
    )


def _stakeholder_rows(form: CampaignForm, saved: Campaign) -> list[tuple[str, str, str]]:
    """The stakeholder rows, which the conflict page cannot read from the form's fields by itself."""
    mine = "; ".join(f"{r.who.data}" for r in form.stakeholders if r.who.data)
    theirs = "; ".join(s.who for s in saved.stakeholders)
    return [(_("Constituents, allies and opponents"), mine or "—", theirs or "—")]


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def edit(campaign_id: int):
    """Edit the strategy chart; a concurrent change is shown, never overwritten."""
    campaign = _campaign_or_404(campaign_id)
    _require_edit(campaign)
    if request.method == "GET":
        form = _campaign_form(campaign)
        form.pad_stakeholders()
        return render_template("campaigns/edit.html", form=form, campaign=campaign)
    form = _campaign_form(campaign, formdata=request.form)
    if not form.validate_on_submit():
        return render_template("campaigns/edit.html", form=form, campaign=campaign)
    with unit_of_work(
        campaign,
        form,
        rows=lambda saved: _stakeholder_rows(form, saved),
        title=_("%(name)s was changed while you were editing it", name=campaign.name),
        cancel_url=url_for("campaigns.show", campaign_id=campaign.id),
    ):
        check_version(campaign, form.version.data)
        _save_campaign_from(form, campaign)
    flash(_("Strategy chart saved."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>/power-map", methods=["POST"])
@require_role(*EDITORS)
def place_actor(campaign_id: int):
    """Put an actor on the power map, or move one."""
    campaign = _campaign_or_404(campaign_id)
    _require_edit(campaign)
    form = PlaceActorForm()
    form.actor.choices = [("", "")] + [(a.id, a.name) for a in services.actor_choices()]
    if not form.validate_on_submit() or form.actor.data is None:
        flash(_("Choose an actor, their influence and their stance."), "error")
        return redirect(url_for("campaigns.show", campaign_id=campaign.id) + "#power-map")
    actor = db.session.get(Actor, form.actor.data) or abort(404)
    services.place_actor(campaign, actor, form.influence.data, form.stance.data, form.role.data)
    commit()
    flash(_("%(name)s is on the power map.", name=actor.name), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id) + "#power-map")


@bp.route("/<int:campaign_id>/power-map/<int:link_id>/remove", methods=["POST"])
@require_role(*EDITORS)
def remove_actor(campaign_id: int, link_id: int):
    """Take an actor off this campaign's power map."""
    campaign = _campaign_or_404(campaign_id)
    _require_edit(campaign)
    if not ButtonForm().validate_on_submit():
        abort(400)
    link = next((link for link in campaign.campaign_actors if link.id == link_id), None) or abort(404)
    name = link.actor.name
    services.remove_actor(campaign, link)
    commit()
    flash(_("%(name)s is no longer on the power map.", name=name), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id) + "#power-map")


@bp.route("/<int:campaign_id>/print.pdf")
@require_role(*READERS)
def print_campaign(campaign_id: int):
    """One page for a planning meeting: strategy chart and power map."""
    campaign = _campaign_or_404(campaign_id)
    pdf = render_pdf(
        "campaigns/print.html",
        campaign=campaign,
        power_map=powermap.build(campaign.campaign_actors, cell_height=56),
        primary=services.targets(campaign, "primary"),
        secondary=services.targets(campaign, "secondary"),
        printed_at=services.utcnow(),
    )
    audit.record_now("campaign.print", campaign)
    return pdf_response(pdf, f"campaign-{campaign.id}.pdf")


# Each area's routes, mounted on this one blueprint (endpoints stay campaigns.<view>).
for _area in (views_actions, views_directory, views_calendar):
    _area.routes.register_on(bp)
