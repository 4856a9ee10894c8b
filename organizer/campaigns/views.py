"""Campaign pages: strategy chart, power map, actions, evaluation, directory, calendar feeds, printing."""

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from organizer.audit import services as audit
from organizer.auth.models import Role
from organizer.auth.permissions import public, require_role
from organizer.campaigns import calendar, powermap, services
from organizer.campaigns.forms import (
    ActionForm,
    ActorForm,
    ButtonForm,
    CampaignForm,
    EvaluationForm,
    LocalBodyForm,
    PlaceActorForm,
    RsvpForm,
    WalkInForm,
)
from organizer.campaigns.models import (
    ACTION_KINDS,
    ACTOR_KINDS,
    ACTOR_ROLES,
    CAMPAIGN_STATUSES,
    DEMAND_ANSWERS,
    INFLUENCE_RANGE,
    LOCAL_BODY_LEVELS,
    RSVP_ANSWERS,
    STAKEHOLDER_KINDS,
    STANCE_RANGE,
    STANCES,
    Action,
    Actor,
    CalendarToken,
    Campaign,
    CampaignActor,
    LocalBody,
)
from organizer.db import write_intent
from organizer.extensions import db
from organizer.printing.pdf import pdf_response, render_pdf
from organizer.residents.models import Resident
from organizer.residents.normalize import fold

bp = Blueprint("campaigns", __name__)
URL_PREFIX = "/campaigns"
READERS = (Role.ORGANIZER, Role.LEADER, Role.CANVASSER)
EDITORS = (Role.ORGANIZER, Role.LEADER)
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
        audit.record("campaign.create", campaign)
        db.session.commit()
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


def _sorted_links(campaign: Campaign) -> list[CampaignActor]:
    order = {"primary": 0, "secondary": 1, "other": 2}
    return sorted(campaign.campaign_actors, key=lambda link: (order[link.role], -link.influence, link.actor.name))


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


def _campaign_conflict(form: CampaignForm, campaign: Campaign):
    rows = []
    for name in services.CAMPAIGN_FIELDS:
        mine = getattr(form, name).data or ""
        theirs = getattr(campaign, name) or ""
        if name == "status":
            mine, theirs = CAMPAIGN_STATUSES.get(mine, mine), CAMPAIGN_STATUSES.get(theirs, theirs)
        rows.append((getattr(form, name).label.text, str(mine), str(theirs)))
    mine_rows = "; ".join(f"{r.who.data}" for r in form.stakeholders if r.who.data)
    theirs_rows = "; ".join(s.who for s in campaign.stakeholders)
    rows.append((_("Constituents, allies and opponents"), mine_rows, theirs_rows))
    return _conflict(
        _("%(name)s was changed while you were editing it", name=campaign.name),
        rows,
        url_for("campaigns.edit", campaign_id=campaign.id),
        url_for("campaigns.show", campaign_id=campaign.id),
        campaign.version,
    )


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
    if form.version.data != str(campaign.version):
        return _campaign_conflict(form, campaign)
    try:
        _save_campaign_from(form, campaign)
        audit.record("campaign.update", campaign)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _campaign_conflict(form, _campaign_or_404(campaign_id))
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
    audit.record("campaign.power_map", campaign, actor_id_moved=actor.id)
    db.session.commit()
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
    audit.record("campaign.power_map", campaign, removed=link_id)
    db.session.commit()
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


# --- Actions -----------------------------------------------------------------------------------------


def _action_form(campaign: Campaign, action: Action | None = None, formdata=None) -> ActionForm:
    if action is not None and formdata is None:
        form = ActionForm(formdata=None, obj=action)
        form.version.data = str(action.version)
        form.starts_at.data = services.utc_to_local(action.starts_at, _timezone())
        form.ends_at.data = services.utc_to_local(action.ends_at, _timezone())
    else:
        form = ActionForm()
    actors = services.actor_choices()
    linked = {link.actor_id for link in campaign.campaign_actors}
    ordered = [a for a in actors if a.id in linked] + [a for a in actors if a.id not in linked]
    form.target_actor_id.choices = [("", _("— no target —"))] + [(a.id, a.name) for a in ordered]
    if action is None and request.method == "GET":
        primary = services.targets(campaign, "primary")
        if primary:
            form.target_actor_id.data = primary[0].actor_id
    return form


def _pad_demands(form: ActionForm, count: int = 2) -> None:
    for _index in range(count):
        form.demands.append_entry({"answer": "no_answer"})


def _save_action_from(form: ActionForm, campaign: Campaign, action: Action | None) -> Action:
    data = {name: getattr(form, name).data for name in services.ACTION_FIELDS}
    data["starts_at"] = services.local_to_utc(form.starts_at.data, _timezone())
    data["ends_at"] = services.local_to_utc(form.ends_at.data, _timezone())
    demands = [
        services.DemandRow(text=row.text.data or "", answer=row.answer.data, answer_note=row.answer_note.data)
        for row in form.demands
    ]
    return services.save_action(action, campaign, data, demands, by=current_user)


@bp.route("/<int:campaign_id>/actions/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def new_action(campaign_id: int):
    """Plan an action of this campaign."""
    campaign = _campaign_or_404(campaign_id)
    _require_edit(campaign)
    form = _action_form(campaign)
    if form.validate_on_submit():
        action = _save_action_from(form, campaign, None)
        audit.record("action.create", action)
        db.session.commit()
        flash(_("Action planned."), "success")
        return redirect(url_for("campaigns.action", action_id=action.id))
    if request.method == "GET":
        _pad_demands(form, 3)
    return render_template("campaigns/action_edit.html", form=form, campaign=campaign, action=None)


@bp.route("/actions/<int:action_id>")
@require_role(*READERS)
def action(action_id: int):
    """An action: demands and answers, RSVPs and check-in list, evaluation."""
    action = _action_or_404(action_id)
    can_edit = services.can_edit(current_user, action.campaign)
    query = (request.args.get("q") or "").strip()
    found = []
    if can_edit and len(query) >= 2:
        listed = {a.resident_id for a in action.attendees if a.resident_id}
        found = [
            resident
            for resident in db.session.scalars(
                select(Resident)
                .where(Resident.name_key.contains(fold(query)), Resident.do_not_contact.is_(False))
                .order_by(Resident.last_name, Resident.first_name)
                .limit(20)
            )
            if resident.id not in listed
        ]
    evaluation_form = EvaluationForm(formdata=None, obj=action) if can_edit else None
    return render_template(
        "campaigns/action.html",
        action=action,
        campaign=action.campaign,
        can_edit=can_edit,
        query=query,
        found=found,
        turnout=services.actual_turnout(action),
        rsvps=services.rsvp_count(action),
        evaluation_form=evaluation_form,
        walk_in_form=WalkInForm(formdata=None, prefix="walkin") if can_edit else None,
        rsvp_form=RsvpForm(formdata=None),
        button_form=ButtonForm(),
        links=_sorted_links(action.campaign),
        influence_range=list(reversed(INFLUENCE_RANGE)),
        stance_range=list(STANCE_RANGE),
    )


def _action_conflict(form: ActionForm, action: Action):
    rows = []
    for name in ("kind", "title", "place", "turnout_goal", "description"):
        mine, theirs = getattr(form, name).data, getattr(action, name)
        if name == "kind":
            mine, theirs = ACTION_KINDS.get(mine, mine), ACTION_KINDS.get(theirs, theirs)
        rows.append((getattr(form, name).label.text, "" if mine is None else str(mine), theirs or ""))
    local_start = services.utc_to_local(action.starts_at, _timezone())
    rows.append((form.starts_at.label.text, str(form.starts_at.data or ""), str(local_start or "")))
    mine_demands = " / ".join(f"{row.text.data} ({row.answer.data})" for row in form.demands if row.text.data)
    theirs_demands = " / ".join(f"{d.text} ({d.answer})" for d in action.demands)
    rows.append((_("Demands"), mine_demands, theirs_demands))
    return _conflict(
        _("%(title)s was changed while you were editing it", title=action.title),
        rows,
        url_for("campaigns.edit_action", action_id=action.id),
        url_for("campaigns.action", action_id=action.id),
        action.version,
    )


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def edit_action(action_id: int):
    """Change an action's plan, demands and the answers given."""
    action = _action_or_404(action_id)
    campaign = action.campaign
    _require_edit(campaign)
    if request.method == "GET":
        form = _action_form(campaign, action)
        _pad_demands(form, 1)
        return render_template("campaigns/action_edit.html", form=form, campaign=campaign, action=action)
    form = _action_form(campaign, action, formdata=request.form)
    if not form.validate_on_submit():
        return render_template("campaigns/action_edit.html", form=form, campaign=campaign, action=action)
    if form.version.data != str(action.version):
        return _action_conflict(form, action)
    try:
        _save_action_from(form, campaign, action)
        audit.record("action.update", action)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _action_conflict(form, _action_or_404(action_id))
    flash(_("Action saved."), "success")
    return redirect(url_for("campaigns.action", action_id=action.id))


@bp.route("/actions/<int:action_id>/attendees", methods=["POST"])
@require_role(*EDITORS)
def add_attendee(action_id: int):
    """Add a known resident: an RSVP, or a check-in at the door."""
    action = _action_or_404(action_id)
    _require_edit(action.campaign)
    form = RsvpForm()
    if not form.validate_on_submit() or not form.resident_id.data.isdigit():
        abort(400)
    resident = db.session.get(Resident, int(form.resident_id.data)) or abort(404)
    check_in = request.form.get("check_in") == "1"
    rsvp = request.form.get("rsvp") if request.form.get("rsvp") in RSVP_ANSWERS else None
    attendee = services.add_resident(action, resident.id, rsvp=rsvp, attended=check_in)
    audit.record("action.attendee", action, attendee=attendee.id, checked_in=check_in)
    db.session.commit()
    if check_in:
        flash(_("%(name)s is checked in.", name=resident.display_name), "success")
    else:
        flash(_("%(name)s is on the list.", name=resident.display_name), "success")
    return redirect(url_for("campaigns.action", action_id=action.id, q=request.form.get("q") or None) + "#check-in")


@bp.route("/actions/<int:action_id>/walk-in", methods=["POST"])
@require_role(*EDITORS)
def walk_in(action_id: int):
    """Check in someone who came without being on the list (with their consent)."""
    action = _action_or_404(action_id)
    _require_edit(action.campaign)
    form = WalkInForm(prefix="walkin")
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
        return redirect(url_for("campaigns.action", action_id=action.id) + "#walk-in")
    attendee = services.add_walk_in(action, form.name.data, phone=form.phone.data, consent=form.consent.data)
    audit.record("action.attendee", action, attendee=attendee.id, walk_in=True)
    db.session.commit()
    flash(_("%(name)s is checked in.", name=attendee.name), "success")
    return redirect(url_for("campaigns.action", action_id=action.id) + "#check-in")


@bp.route("/actions/<int:action_id>/attendees/<int:attendee_id>", methods=["POST"])
@require_role(*EDITORS)
def update_attendee(action_id: int, attendee_id: int):
    """Check in, undo a check-in, change an RSVP, or take someone off the list."""
    action = _action_or_404(action_id)
    _require_edit(action.campaign)
    if not ButtonForm().validate_on_submit():
        abort(400)
    attendee = next((a for a in action.attendees if a.id == attendee_id), None) or abort(404)
    operation = request.form.get("op")
    if operation == "check_in":
        services.set_attended(attendee, True)
    elif operation == "undo":
        services.set_attended(attendee, False)
    elif operation in RSVP_ANSWERS:
        attendee.rsvp = operation
    elif operation == "remove":
        action.attendees.remove(attendee)
    else:
        abort(400)
    audit.record("action.attendee", action, attendee=attendee_id, op=operation)
    db.session.commit()
    return redirect(url_for("campaigns.action", action_id=action.id) + f"#attendee-{attendee_id}")


def _action_page_with(action: Action, evaluation_form: EvaluationForm) -> str:
    """The action page re-displaying an evaluation form as it was sent."""
    return render_template(
        "campaigns/action.html",
        action=action,
        campaign=action.campaign,
        can_edit=True,
        query="",
        found=[],
        turnout=services.actual_turnout(action),
        rsvps=services.rsvp_count(action),
        evaluation_form=evaluation_form,
        walk_in_form=WalkInForm(formdata=None, prefix="walkin"),
        rsvp_form=RsvpForm(formdata=None),
        button_form=ButtonForm(),
        links=_sorted_links(action.campaign),
        influence_range=list(reversed(INFLUENCE_RANGE)),
        stance_range=list(STANCE_RANGE),
    )


def _power_moves(action: Action) -> tuple[dict[int, tuple[int, int]], list[str]]:
    """Read influence-<id>/stance-<id> pairs from the evaluation form."""
    moves, errors = {}, []
    for link in action.campaign.campaign_actors:
        raw_influence = request.form.get(f"influence-{link.id}", "")
        raw_stance = request.form.get(f"stance-{link.id}", "")
        try:
            influence = int(raw_influence) if raw_influence else link.influence
            stance = int(raw_stance) if raw_stance else link.stance
        except ValueError:
            errors.append(link.actor.name)
            continue
        if influence not in INFLUENCE_RANGE or stance not in STANCE_RANGE:
            errors.append(link.actor.name)
            continue
        moves[link.id] = (influence, stance)
    return moves, errors


@bp.route("/actions/<int:action_id>/evaluation", methods=["POST"])
@require_role(*EDITORS)
def evaluate(action_id: int):
    """Record the debrief; moves on the power map go to the campaign's map and timeline."""
    action = _action_or_404(action_id)
    _require_edit(action.campaign)
    form = EvaluationForm()
    moves, errors = _power_moves(action)
    if not form.validate_on_submit() or errors:
        if errors:
            flash(_("Invalid influence or stance for: %(names)s.", names=", ".join(errors)), "error")
        return _action_page_with(action, form)
    try:
        data = {name: getattr(form, name).data for name in services.EVALUATION_FIELDS}
        changes = services.evaluate(action, data, moves)
        audit.record("action.evaluate", action, power_changes=len(changes))
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(
            _("Someone else saved this action at the same moment: yours was not saved. Check and send it again."),
            "error",
        )
        return _action_page_with(_action_or_404(action_id), form), 409
    flash(_("Evaluation saved."), "success")
    return redirect(url_for("campaigns.action", action_id=action.id) + "#evaluation")


@bp.route("/actions/<int:action_id>.ics")
@require_role(*READERS)
def action_ics(action_id: int):
    """The action as a calendar file, to add to any calendar."""
    action = _action_or_404(action_id)
    body = calendar.to_ical([calendar.action_entry(action)], name=action.title)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="action-{action.id}.ics"'
    return response


# --- Directory: actors and local government -----------------------------------------------------------


@bp.route("/actors")
@require_role(*READERS)
def actors():
    """Everyone who may sit on a power map."""
    rows = db.session.scalars(select(Actor).options(selectinload(Actor.local_body)).order_by(Actor.name)).all()
    return render_template("campaigns/actors.html", actors=rows, can_edit=services.can_edit_directory(current_user))


def _actor_form(actor: Actor | None = None) -> ActorForm:
    form = ActorForm(obj=actor) if actor is not None else ActorForm()
    bodies = db.session.scalars(select(LocalBody).order_by(LocalBody.name)).all()
    form.local_body_id.choices = [("", _("— none —"))] + [(b.id, b.name) for b in bodies]
    if actor is None and request.method == "GET" and request.args.get("local_body", "").isdigit():
        form.local_body_id.data = int(request.args["local_body"])
    return form


@bp.route("/actors/new", methods=["GET", "POST"])
@bp.route("/actors/<int:actor_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def edit_actor(actor_id: int | None = None):
    """Add or change an actor of the directory."""
    _require_directory_edit()
    actor = (db.session.get(Actor, actor_id) or abort(404)) if actor_id else None
    form = _actor_form(actor)
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in services.ACTOR_FIELDS}
        actor = services.save_actor(actor, data)
        audit.record("actor.save", actor)
        db.session.commit()
        flash(_("%(name)s saved.", name=actor.name), "success")
        return redirect(url_for("campaigns.actors") + f"#actor-{actor.id}")
    return render_template("campaigns/actor_edit.html", form=form, actor=actor)


@bp.route("/local-government")
@require_role(*READERS)
def local_bodies():
    """Commune, intercommunalité, département, région: elected officials, services, council dates."""
    bodies = db.session.scalars(
        select(LocalBody).options(selectinload(LocalBody.officials), selectinload(LocalBody.meetings))
    ).all()
    order = list(LOCAL_BODY_LEVELS)
    bodies = sorted(bodies, key=lambda body: (order.index(body.level) if body.level in order else 9, body.name))
    now = services.utcnow()
    upcoming = {
        body.id: [m for m in body.meetings if services.as_utc(m.starts_at) >= now - timedelta(hours=6)][:3]
        for body in bodies
    }
    return render_template(
        "campaigns/local_bodies.html",
        bodies=bodies,
        upcoming=upcoming,
        can_edit=services.can_edit_directory(current_user),
    )


@bp.route("/local-government/new", methods=["GET", "POST"])
@bp.route("/local-government/<int:body_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def edit_local_body(body_id: int | None = None):
    """Add or change a local body and its council meeting dates."""
    _require_directory_edit()
    body = None
    if body_id:
        body = db.session.scalar(
            select(LocalBody).where(LocalBody.id == body_id).options(selectinload(LocalBody.meetings))
        ) or abort(404)
    if request.method == "GET":
        form = LocalBodyForm(formdata=None, obj=body)
        if body is not None:
            while len(form.meetings):
                form.meetings.pop_entry()
            for meeting in body.meetings:
                form.meetings.append_entry(
                    {
                        "starts_at": services.utc_to_local(meeting.starts_at, _timezone()),
                        "title": meeting.title,
                        "place": meeting.place,
                    }
                )
        for _index in range(2):
            form.meetings.append_entry()
        return render_template("campaigns/local_body_edit.html", form=form, body=body)
    form = LocalBodyForm()
    if not form.validate_on_submit():
        return render_template("campaigns/local_body_edit.html", form=form, body=body)
    rows = [
        services.MeetingRow(
            starts_at=services.local_to_utc(row.starts_at.data, _timezone()),
            title=row.title.data,
            place=row.place.data,
        )
        for row in form.meetings
    ]
    data = {name: getattr(form, name).data for name in services.LOCAL_BODY_FIELDS}
    body = services.save_local_body(body, data, rows)
    audit.record("local_body.save", body)
    db.session.commit()
    flash(_("%(name)s saved.", name=body.name), "success")
    return redirect(url_for("campaigns.local_bodies") + f"#body-{body.id}")


# --- Calendar feeds ----------------------------------------------------------------------------------


@bp.route("/calendar")
@require_role()
def calendar_feeds():
    """My secret calendar feed URLs: create one, revoke one."""
    return render_template(
        "campaigns/calendar.html",
        tokens=services.calendar_tokens(current_user),
        new_url=None,
        button_form=ButtonForm(),
    )


@bp.route("/calendar/new", methods=["POST"])
@require_role()
def new_calendar_feed():
    """A new secret feed URL, shown once (only its hash is kept)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    raw = services.issue_calendar_token(current_user)
    audit.record("calendar.token_create", current_user)
    db.session.commit()
    return render_template(
        "campaigns/calendar.html",
        tokens=services.calendar_tokens(current_user),
        new_url=url_for("campaigns.calendar_feed", token=raw, _external=True),
        button_form=ButtonForm(),
    )


@bp.route("/calendar/<int:token_id>/revoke", methods=["POST"])
@require_role()
def revoke_calendar_feed(token_id: int):
    """The URL stops working at once, in every calendar it was added to."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    token = db.session.get(CalendarToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_calendar_token(token)
    audit.record("calendar.token_revoke", current_user, token=token.id)
    db.session.commit()
    flash(_("Feed revoked: calendars using it will stop updating."), "success")
    return redirect(url_for("campaigns.calendar_feeds"))


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """The iCalendar feed behind a secret URL (calendar apps cannot sign in); 404 unless valid."""
    found = services.find_calendar_token(token)
    if found is None:
        abort(404)
    body = calendar.feed_for(found.user)
    token_id = found.id
    db.session.commit()  # end the read snapshot before writing (SQLite)
    with write_intent():
        db.session.get(CalendarToken, token_id).last_used_at = services.utcnow()
        db.session.commit()
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="organizer.ics"'
    return response
