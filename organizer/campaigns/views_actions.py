"""Actions of a campaign: plan, attendance, walk-ins, evaluation, calendar file."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from organizer.auth import records
from organizer.auth.permissions import require_role
from organizer.campaigns import calendar, services
from organizer.campaigns.forms import ActionForm, ButtonForm, EvaluationForm, RsvpForm, WalkInForm
from organizer.campaigns.models import INFLUENCE_RANGE, RSVP_ANSWERS, STANCE_RANGE, Action, Attendee, Campaign
from organizer.campaigns.views_common import (
    EDITORS,
    READERS,
    _action_or_404,
    _campaign_or_404,
    _require_edit,
    _sorted_links,
    _timezone,
)
from organizer.extensions import db
from organizer.kernel.contributions import sections_for
from organizer.kernel.routes import Routes
from organizer.kernel.unit_of_work import check_version, commit, unit_of_work
from organizer.params import parse_int
from organizer.residents import lists
from organizer.residents.models import Resident, SavedSearch
from organizer.residents.normalize import fold
from organizer.residents.services import with_address

routes = Routes()


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


@routes.route("/<int:campaign_id>/actions/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def new_action(campaign_id: int):
    """Plan an action of this campaign."""
    campaign = _campaign_or_404(campaign_id)
    _require_edit(campaign)
    form = _action_form(campaign)
    if form.validate_on_submit():
        action = _save_action_from(form, campaign, None)
        commit()
        flash(_("Action planned."), "success")
        return redirect(url_for("campaigns.action", action_id=action.id))
    if request.method == "GET":
        _pad_demands(form, 3)
    return render_template("campaigns/action_edit.html", form=form, campaign=campaign, action=None)


@routes.route("/actions/<int:action_id>")
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
                .options(with_address())
                .limit(20)
            )
            if resident.id not in listed
        ]
    evaluation_form = EvaluationForm(formdata=None, obj=action) if can_edit else None
    return render_template(
        "campaigns/action.html",
        action=action,
        attendees=_visible_attendees(action),
        campaign=action.campaign,
        can_edit=can_edit,
        query=query,
        found=found,
        saved_searches=lists.searches_for(current_user) if can_edit else [],
        turnout=services.actual_turnout(action),
        rsvps=services.rsvp_count(action),
        evaluation_form=evaluation_form,
        walk_in_form=WalkInForm(formdata=None, prefix="walkin") if can_edit else None,
        rsvp_form=RsvpForm(formdata=None),
        button_form=ButtonForm(),
        links=_sorted_links(action.campaign),
        influence_range=list(reversed(INFLUENCE_RANGE)),
        stance_range=list(STANCE_RANGE),
        # What other features show here (turnout's figures and calls, the public sign-up page).
        sections=sections_for("campaigns.action", action, current_user),
    )


def _action_rows(form: ActionForm, saved: Action) -> list[tuple[str, str, str]]:
    """The demands, which the conflict page cannot read from the form's fields by itself."""
    mine = " / ".join(f"{row.text.data} ({row.answer.data})" for row in form.demands if row.text.data)
    theirs = " / ".join(f"{d.text} ({d.answer})" for d in saved.demands)
    return [(_("Demands"), mine or "—", theirs or "—")]


@routes.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
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
    with unit_of_work(
        action,
        form,
        rows=lambda saved: _action_rows(form, saved),
        title=_("%(title)s was changed while you were editing it", title=action.title),
        cancel_url=url_for("campaigns.action", action_id=action.id),
    ):
        check_version(action, form.version.data)
        _save_action_from(form, campaign, action)
    flash(_("Action saved."), "success")
    return redirect(url_for("campaigns.action", action_id=action.id))


@routes.route("/actions/<int:action_id>/attendees", methods=["POST"])
@require_role(*EDITORS)
def add_attendee(action_id: int):
    """Add a known resident: an RSVP, or a check-in at the door."""
    action = _action_or_404(action_id)
    _require_edit(action.campaign)
    form = RsvpForm()
    resident_id = parse_int(form.resident_id.data, "resident_id")
    if not form.validate_on_submit() or resident_id is None:
        abort(400)
    resident = records.load(Resident, resident_id)
    check_in = request.form.get("check_in") == "1"
    rsvp = request.form.get("rsvp") if request.form.get("rsvp") in RSVP_ANSWERS else None
    services.add_resident(action, resident.id, rsvp=rsvp, attended=check_in)
    commit()
    if check_in:
        flash(_("%(name)s is checked in.", name=resident.display_name), "success")
    else:
        flash(_("%(name)s is on the list.", name=resident.display_name), "success")
    return redirect(url_for("campaigns.action", action_id=action.id, q=request.form.get("q") or None) + "#check-in")


@routes.route("/actions/<int:action_id>/invite-search", methods=["POST"])
@require_role(*EDITORS)
def invite_search(action_id: int):
    """Invite every resident a saved search finds (never do-not-contact, never twice), after a count."""
    action = _action_or_404(action_id)
    _require_edit(action.campaign)
    search = records.load(SavedSearch, parse_int(request.form.get("search_id"), "search_id"))
    selection = lists.selection_of(current_user, search)
    if not request.form.get("confirm"):
        return render_template(
            "residents/invite_confirm.html",
            title=action.title,
            search=search,
            count=lists.invitable_count(
                current_user, selection, Attendee.__table__, "resident_id", {"action_id": action.id}
            ),
            post_url=url_for("campaigns.invite_search", action_id=action.id),
            back=url_for("campaigns.action", action_id=action.id),
        )
    added = services.invite_search(action, current_user, search, selection)
    commit()
    flash(ngettext("%(num)d resident invited.", "%(num)d residents invited.", added), "success")
    return redirect(url_for("campaigns.action", action_id=action.id) + "#check-in")


@routes.route("/actions/<int:action_id>/walk-in", methods=["POST"])
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
    commit()
    flash(_("%(name)s is checked in.", name=attendee.name), "success")
    return redirect(url_for("campaigns.action", action_id=action.id) + "#check-in")


@routes.route("/actions/<int:action_id>/attendees/<int:attendee_id>", methods=["POST"])
@require_role(*EDITORS)
def update_attendee(action_id: int, attendee_id: int):
    """Check in, undo a check-in, change an RSVP, or take someone off the list."""
    action = _action_or_404(action_id)
    _require_edit(action.campaign)
    if not ButtonForm().validate_on_submit():
        abort(400)
    attendee = next((a for a in action.attendees if a.id == attendee_id), None) or abort(404)
    operation = request.form.get("op", "")
    if operation not in (*services.ATTENDEE_OPERATIONS, *RSVP_ANSWERS):
        abort(400)
    services.update_attendee(action, attendee, operation)
    commit()
    return redirect(url_for("campaigns.action", action_id=action.id) + f"#attendee-{attendee_id}")


def _visible_attendees(action: Action) -> list:
    """The check-in list as far as the viewer may see the people on it (organizer.auth.records): a canvasser
    reads the action, not the names of residents outside their turfs (nor of walk-ins)."""
    if records.condition(Resident) is None:
        return list(action.attendees)
    ids = {a.resident_id for a in action.attendees if a.resident_id}
    visible = set(db.session.scalars(records.visible_ids(Resident).where(Resident.id.in_(ids)))) if ids else set()
    return [a for a in action.attendees if a.resident_id in visible]


def _action_page_with(action: Action, evaluation_form: EvaluationForm) -> str:
    """The action page re-displaying an evaluation form as it was sent."""
    return render_template(
        "campaigns/action.html",
        action=action,
        attendees=list(action.attendees),
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
        sections=sections_for("campaigns.action", action, current_user),
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


@routes.route("/actions/<int:action_id>/evaluation", methods=["POST"])
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
    with unit_of_work(action, form, cancel_url=url_for("campaigns.action", action_id=action.id) + "#evaluation"):
        data = {name: getattr(form, name).data for name in services.EVALUATION_FIELDS}
        services.evaluate(action, data, moves)
    flash(_("Evaluation saved."), "success")
    return redirect(url_for("campaigns.action", action_id=action.id) + "#evaluation")


@routes.route("/actions/<int:action_id>.ics")
@require_role(*READERS)
def action_ics(action_id: int):
    """The action as a calendar file, to add to any calendar."""
    action = _action_or_404(action_id)
    body = calendar.to_ical([calendar.action_entry(action)], name=action.title)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="action-{action.id}.ics"'
    return response
