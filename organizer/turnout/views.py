"""Reminder calls on the phone, the organizer's call list, the printable call sheet, live turnout figures."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from organizer.audit import services as audit
from organizer.auth.models import Role, User
from organizer.auth.permissions import require_role
from organizer.campaigns import services as campaigns
from organizer.core.services import organization_name
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.unit_of_work import check_version, commit, unit_of_work
from organizer.printing.pdf import pdf_response, render_pdf
from organizer.residents.models import Resident
from organizer.turnout import calls, services
from organizer.turnout.formatting import event_when
from organizer.turnout.labels import OUTCOME_LABELS
from organizer.turnout.models import OUTCOMES, ReminderCall

bp = Blueprint("turnout", __name__)
URL_PREFIX = "/turnout"
EDITORS = (Role.ORGANIZER, Role.LEADER)
CALLERS = (Role.ORGANIZER, Role.LEADER, Role.CANVASSER)
NAVIGATION = [("turnout.my_calls_index", _l("My calls"), CALLERS, 48)]


@bp.app_template_filter("event_when")
def event_when_filter(moment) -> str:
    return event_when(moment)


def _event_or_404(kind: str, event_id: int) -> calls.Event:
    if kind not in calls.EVENT_KINDS:
        abort(404)
    return calls.load_event(kind, event_id) or abort(404)


def _may_organize(event: calls.Event) -> bool:
    if event.kind == "action":
        return campaigns.can_edit(current_user, event.record.campaign)
    return current_user.has_role(*EDITORS)


def _back_url(event: calls.Event) -> str:
    if event.kind == "action":
        return url_for("campaigns.action", action_id=event.id)
    return url_for("meetings.show", meeting_id=event.id)


def script(event: calls.Event, resident_name: str = "…") -> str:
    """The few sentences a caller says, with the event filled in."""
    where = _(", at %(place)s", place=event.place) if event.place else ""
    return _(
        "Hello %(name)s, this is %(caller)s from %(organization)s. We are calling about %(title)s, %(when)s%(where)s. "
        "Can we count on you? Could you bring someone along: a neighbour, a friend?",
        name=resident_name,
        caller=current_user.display_name,
        organization=organization_name(),
        title=event.title,
        when=event_when(event.starts_at),
        where=where,
    )


@bp.route("/actions/<int:action_id>/turnout.json")
@require_role(*CALLERS)
def turnout_json(action_id: int):
    """Goal, confirmed, maybe, came: the action page refreshes its figures from here."""
    action = campaigns.load_action(action_id) or abort(404)
    return jsonify(services.turnout(action).as_dict())


@bp.route("/<kind>/<int:event_id>/calls", methods=["GET", "POST"])
@require_role(*EDITORS)
def organize(kind: str, event_id: int):
    """The whole list: build it and share it among callers, see who has called whom."""
    event = _event_or_404(kind, event_id)
    if not _may_organize(event):
        abort(403)
    form = FlaskForm()
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name)).all()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("round") == "new":
            reopened = calls.new_round(event)
            commit()
            flash(_("%(count)s people to call again.", count=reopened), "success")
            return redirect(url_for("turnout.organize", kind=kind, event_id=event_id))
        valid = {user.id for user in users}
        caller_ids = [int(v) for v in request.form.getlist("caller") if v.isdigit() and int(v) in valid]
        if not caller_ids:
            flash(_("Choose at least one caller."), "error")
        else:
            result = calls.build(event, caller_ids)
            commit()
            flash(
                _(
                    "%(added)s added to the list; %(shared)s calls shared among %(callers)s callers.",
                    added=result["added"],
                    shared=result["shared"],
                    callers=len(caller_ids),
                ),
                "success",
            )
            return redirect(url_for("turnout.organize", kind=kind, event_id=event_id))
    rows = calls.entries(event)
    audit.record_now("turnout.call_list_view", event.record, caller="all", rows=len(rows))
    assigned = {entry.caller_id for entry in rows if entry.caller_id}
    default = assigned or _team_ids(event) or {current_user.id}
    return render_template(
        "turnout/organize.html",
        event=event,
        rows=rows,
        users=users,
        checked=default,
        progress=calls.progress(event),
        outcomes=OUTCOME_LABELS,
        form=form,
        back_url=_back_url(event),
    )


def _team_ids(event: calls.Event) -> set[int]:
    if event.kind != "action":
        return set()
    campaign = event.record.campaign
    return {member.id for member in campaign.team} | ({campaign.lead_id} if campaign.lead_id else set())


@bp.route("/calls")
@require_role(*CALLERS)
def my_calls_index():
    """The lists where I have calls to make (upcoming events only)."""
    rows = db.session.execute(
        select(ReminderCall.action_id, ReminderCall.meeting_id)
        .where(ReminderCall.caller_id == current_user.id)
        .distinct()
    ).all()
    events = [calls.load_event("action" if a else "meeting", a or m) for a, m in rows]
    now = utcnow()
    events = sorted((e for e in events if e and e.starts_at >= now), key=lambda e: e.starts_at)
    return render_template("turnout/my_index.html", events=events)


@bp.route("/<kind>/<int:event_id>/calls/mine")
@require_role(*CALLERS)
def my_calls(kind: str, event_id: int):
    """The phone page: my people, a tap to call, a tap for the outcome."""
    event = _event_or_404(kind, event_id)
    caller_id = current_user.id
    if request.args.get("caller", "").isdigit() and _may_organize(event):
        caller_id = int(request.args["caller"])
    rows = calls.entries(event, caller_id)
    audit.record_now("turnout.call_list_view", event.record, caller=caller_id, rows=len(rows))
    return render_template(
        "turnout/mine.html",
        event=event,
        rows=rows,
        outcomes=OUTCOME_LABELS,
        form=FlaskForm(),
        script=script(event),
        caller_id=caller_id,
        back_url=_back_url(event) if _may_organize(event) else url_for("turnout.my_calls_index"),
    )


@bp.route("/calls/<int:call_id>", methods=["POST"])
@require_role(*CALLERS)
def record_call(call_id: int):
    """One tap: the outcome (with the note and how many they bring) is saved, the next person comes up."""
    entry = db.session.get(ReminderCall, call_id) or abort(404)
    event = _event_or_404("action" if entry.action_id else "meeting", entry.action_id or entry.meeting_id)
    if entry.caller_id != current_user.id and not _may_organize(event):
        abort(404)  # someone else's call: as if it did not exist
    if not FlaskForm().validate_on_submit():
        abort(400)
    outcome = request.form.get("outcome")
    if outcome not in OUTCOMES:
        abort(400)
    raw_bringing = (request.form.get("bringing") or "0").strip()
    bringing = int(raw_bringing) if raw_bringing.isdigit() else 0
    note = (request.form.get("note") or "")[:2000]
    version = request.form.get("version", "")
    back = url_for("turnout.my_calls", kind=event.kind, event_id=event.id, caller=entry.caller_id)

    def called_meanwhile():
        # The phone page again, at this person: what the other caller recorded is there to read.
        flash(_("Someone else recorded a call to this person meanwhile: check the list, then record yours."), "error")
        return redirect(back + f"#call-{call_id}", 303)

    with unit_of_work(entry, on_conflict=called_meanwhile):
        if version.isdigit():  # a form without a version (an old page) records over whatever is there
            check_version(entry, version)
        calls.record(event, entry, outcome, note=note, bringing=min(bringing, 50), by=current_user)
    resident = db.session.get(Resident, entry.resident_id)
    name = resident.display_name if resident else ""
    flash(_("%(name)s: %(outcome)s.", name=name, outcome=OUTCOME_LABELS[outcome]), "success")
    return redirect(back + "#next"), 303


@bp.route("/<kind>/<int:event_id>/calls/sheet.pdf")
@require_role(*CALLERS)
def call_sheet(kind: str, event_id: int):
    """The call list on paper: my part, or (organizers) everyone's, one caller per page."""
    event = _event_or_404(kind, event_id)
    organizer_view = _may_organize(event) and request.args.get("all") == "1"
    rows = calls.entries(event, None if organizer_view else current_user.id)
    audit.record_now("turnout.call_sheet", event.record, rows=len(rows), everyone=organizer_view)
    groups: dict = {}
    for row in sorted(rows, key=lambda r: r.position):
        groups.setdefault(row.caller_id, []).append(row)
    pdf = render_pdf(
        "turnout/sheet.html",
        event=event,
        groups=list(groups.values()),
        outcomes=OUTCOME_LABELS,
        script=script(event),
        organization=organization_name(),
    )
    return pdf_response(pdf, f"{kind}-{event_id}-calls.pdf")
