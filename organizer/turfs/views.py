"""Turf pages: list, cut, the turf itself (counts, coverage, map), walk sheets, the entry grid, the door page."""

import json
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.auth.models import User
from organizer.auth.permissions import require_role
from organizer.conversations.labels import RESULT_LABELS
from organizer.extensions import db
from organizer.jobs import services as jobs
from organizer.kernel.unit_of_work import commit, unit_of_work
from organizer.printing.pdf import pdf_response
from organizer.residents.models import Address
from organizer.turfs import jobs as turf_jobs
from organizer.turfs import services, walksheet
from organizer.turfs.forms import AssignForm, CutForm, EditForm
from organizer.turfs.models import Turf, TurfAssignment

bp = Blueprint("turfs", __name__)
URL_PREFIX = "/turfs"
NAVIGATION = [("turfs.index", _l("Turfs"), ("organizer", "leader", "canvasser"), 30)]

EVERYONE = ("organizer", "leader", "canvasser")
CONFLICT_MESSAGE = _l(
    "Someone changed a resident of this door at the same time. Nothing was saved: check the page and save again."
)
PLANNERS = ("organizer", "leader")


def turf_or_404(turf_id: int) -> Turf:
    """The turf if the current user may see it; 404 otherwise (a canvasser learns nothing of others)."""
    turf = services.visible_turf(current_user, turf_id)
    if turf is None:
        abort(404)
    return turf


@bp.route("/")
@require_role(*EVERYONE)
def index():
    """The turfs this person may see, with their doors and holders; print several at once."""
    turfs = list(db.session.scalars(services.visible_turfs(current_user)))
    ids = [turf.id for turf in turfs]
    addresses = dict(
        db.session.execute(
            select(Address.turf_id, func.count()).where(Address.turf_id.in_(ids)).group_by(Address.turf_id)
        ).all()
    )
    holders: dict[int, list] = {}
    for assignment in db.session.scalars(
        select(TurfAssignment)
        .where(TurfAssignment.turf_id.in_(ids), TurfAssignment.until >= services.local_today())
        .options(selectinload(TurfAssignment.user))
    ):
        holders.setdefault(assignment.turf_id, []).append(assignment)
    free = db.session.scalar(select(func.count()).select_from(Address).where(Address.turf_id.is_(None)))
    return render_template("turfs/index.html", turfs=turfs, addresses=addresses, holders=holders, free_addresses=free)


def _cut_choices(form: CutForm) -> None:
    streets, areas = services.streets_and_areas()
    form.streets.choices = [(name, f"{name} ({count})") for name, count in streets]
    form.area.choices = [("", "—")] + [(value, f"{value} ({count})") for value, count in areas]


def _rule_from(form: CutForm, address_ids: list[int] | None = None) -> services.TurfRule:
    geometry = None
    if form.polygon.data:
        geometry = services.parse_geojson(form.polygon.data.read())
        form.polygon_json.data = json.dumps(geometry)
    elif form.polygon_json.data:
        geometry = services.parse_geojson(form.polygon_json.data)
    return services.TurfRule(
        streets=[street for street in form.streets.data or [] if street],
        side=form.side.data or "both",
        number_from=form.number_from.data,
        number_to=form.number_to.data,
        area=form.area.data or None,
        polygon=geometry,
        address_ids=address_ids or [],
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(*PLANNERS)
def new():
    """Cut a turf: choose, preview what it takes (and from which turfs), untick by hand, confirm."""
    form = CutForm()
    _cut_choices(form)
    preview = None
    if form.validate_on_submit():
        step = request.form.get("step", "preview")
        picked = [int(value) for value in request.form.getlist("address_ids") if value.isdigit()]
        try:
            rule = _rule_from(form)
            preview = services.preview_cut(rule)
            if step == "create":
                if not picked:
                    raise services.TurfError(_l("Tick at least one address."))
                rule.address_ids = picked
                turf = services.create_turf(
                    form.name.data,
                    rule,
                    created_by_id=current_user.id,
                    take=request.form.get("take") == "1",
                    script=form.script.data or None,
                )
                audit.record("turf.create", turf, addresses=len(picked))
                commit()
                flash(_("Turf %(name)s created.", name=turf.name), "success")
                return redirect(url_for("turfs.show", turf_id=turf.id))
        except services.OverlapError as error:
            db.session.rollback()
            preview = error.preview
            flash(_("Some of these addresses belong to other turfs: tick the box to take them."), "warning")
        except services.TurfError as error:
            db.session.rollback()
            flash(str(error), "error")
        picked_set = set(picked) if step == "create" and picked else None
        return render_template("turfs/new.html", form=form, preview=preview, picked=picked_set)
    return render_template("turfs/new.html", form=form, preview=None, picked=None)


@bp.route("/<int:turf_id>/add", methods=["GET", "POST"])
@require_role(*PLANNERS)
def add_addresses(turf_id: int):
    """Add addresses to a turf with the same tools as cutting (preview, by hand, confirm taking)."""
    turf = turf_or_404(turf_id)
    form = CutForm(name=turf.name, script=turf.script)
    _cut_choices(form)
    preview = picked_set = None
    if form.validate_on_submit():
        step = request.form.get("step", "preview")
        picked = [int(value) for value in request.form.getlist("address_ids") if value.isdigit()]
        try:
            rule = _rule_from(form)
            preview = services.preview_cut(rule, turf)
            if step == "create":
                if not picked:
                    raise services.TurfError(_l("Tick at least one address."))
                rule.address_ids = picked
                services.add_to_turf(turf, rule, take=request.form.get("take") == "1")
                audit.record("turf.add_addresses", turf, addresses=len(picked))
                commit()
                flash(ngettext("%(num)d address added.", "%(num)d addresses added.", len(picked)), "success")
                return redirect(url_for("turfs.show", turf_id=turf.id))
        except services.OverlapError as error:
            db.session.rollback()
            preview = error.preview
            flash(_("Some of these addresses belong to other turfs: tick the box to take them."), "warning")
        except services.TurfError as error:
            db.session.rollback()
            flash(str(error), "error")
        picked_set = set(picked) if step == "create" and picked else None
    return render_template("turfs/new.html", form=form, preview=preview, picked=picked_set, turf=turf)


@bp.route("/<int:turf_id>/remove", methods=["POST"])
@require_role(*PLANNERS)
def remove_addresses(turf_id: int):
    """Take the ticked addresses out of the turf."""
    turf = turf_or_404(turf_id)
    ids = [int(value) for value in request.form.getlist("address_ids") if value.isdigit()]
    removed = services.remove_from_turf(turf, ids)
    if removed:
        audit.record("turf.remove_addresses", turf, addresses=removed)
        commit()
        flash(ngettext("%(num)d address removed.", "%(num)d addresses removed.", removed), "success")
    else:
        flash(_("Tick the addresses to remove."), "error")
    return redirect(url_for("turfs.show", turf_id=turf.id))


@bp.route("/<int:turf_id>")
@require_role(*EVERYONE)
def show(turf_id: int):
    """A turf: counts, coverage over time, the offline map, who holds it, printing and entry."""
    turf = turf_or_404(turf_id)
    doors = services.turf_doors(turf)
    stats = services.turf_stats(turf, doors)
    assignments = services.assignments_of(turf)
    assign_form = edit_form = None
    if current_user.has_role(*PLANNERS):
        assign_form = AssignForm(formdata=None, until=services.local_today() + timedelta(days=30))
        assign_form.user_id.choices = [
            (u.id, f"{u.display_name} ({u.role_label})") for u in services.assignable_users()
        ]
        edit_form = EditForm(formdata=None, obj=turf)
    audit.record_now("turf.view", turf)
    return render_template(
        "turfs/show.html",
        turf=turf,
        doors=doors,
        stats=stats,
        map=services.turf_map(doors),
        assignments=assignments,
        assign_form=assign_form,
        edit_form=edit_form,
        today=services.local_today(),
        result_labels=RESULT_LABELS,
        result_colours=services.RESULT_COLOURS,
        address_line=services.address_line,
        address_details=services.address_details,
    )


@bp.route("/<int:turf_id>/edit", methods=["POST"])
@require_role(*PLANNERS)
def edit(turf_id: int):
    """Rename the turf, change its description and script."""
    turf = turf_or_404(turf_id)
    form = EditForm()
    if form.validate_on_submit():
        try:
            services.update_turf(turf, form.name.data, form.script.data, form.description.data)
            audit.record("turf.update", turf)
            commit()
            flash(_("Turf saved."), "success")
        except services.TurfError as error:
            db.session.rollback()
            flash(str(error), "error")
    else:
        flash(_("Please correct the highlighted fields.") + " " + " ".join(sum(form.errors.values(), [])), "error")
    return redirect(url_for("turfs.show", turf_id=turf.id))


@bp.route("/<int:turf_id>/assign", methods=["POST"])
@require_role(*PLANNERS)
def assign(turf_id: int):
    """Give the turf to someone until a date."""
    turf = turf_or_404(turf_id)
    form = AssignForm()
    form.user_id.choices = [(u.id, u.display_name) for u in services.assignable_users()]
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        try:
            services.assign(turf, user, form.until.data, assigned_by_id=current_user.id)
            audit.record("turf.assign", turf, user_id=user.id, until=form.until.data.isoformat())
            commit()
            flash(
                _("%(name)s holds this turf until %(date)s.", name=user.display_name, date=form.until.data), "success"
            )
        except services.TurfError as error:
            db.session.rollback()
            flash(str(error), "error")
    else:
        flash(_("Choose a person and an end date."), "error")
    return redirect(url_for("turfs.show", turf_id=turf.id) + "#assignments")


@bp.route("/<int:turf_id>/assignments/<int:assignment_id>/end", methods=["POST"])
@require_role(*PLANNERS)
def end_assignment(turf_id: int, assignment_id: int):
    """Withdraw the turf from someone."""
    turf = turf_or_404(turf_id)
    assignment = db.session.get(TurfAssignment, assignment_id)
    if assignment is None or assignment.turf_id != turf.id:
        abort(404)
    audit.record("turf.unassign", turf, user_id=assignment.user_id)
    services.end_assignment(assignment)
    commit()
    flash(_("Assignment withdrawn."), "success")
    return redirect(url_for("turfs.show", turf_id=turf.id) + "#assignments")


@bp.route("/<int:turf_id>/delete", methods=["POST"])
@require_role(*PLANNERS)
def delete(turf_id: int):
    """Delete the turf (its addresses and knocks stay)."""
    turf = turf_or_404(turf_id)
    name = turf.name
    audit.record("turf.delete", turf)
    services.delete_turf(turf)
    commit()
    flash(_("Turf %(name)s deleted; its addresses belong to no turf now.", name=name), "success")
    return redirect(url_for("turfs.index"))


def _print_options() -> dict:
    paper = request.values.get("paper")
    lang = request.values.get("lang")
    return {
        "rural": request.values.get("rural") == "1",
        "paper": paper if paper in ("a4", "letter") else None,
        "lang": lang if lang in ("fr", "en") else None,
    }


@bp.route("/<int:turf_id>/walk-sheet.pdf")
@require_role(*EVERYONE)
def walk_sheet(turf_id: int):
    """The printed walk sheet of one turf (audited: it carries personal data)."""
    turf = turf_or_404(turf_id)
    sheet = walksheet.build_sheet(turf, user=current_user, **_print_options())
    audit.record_now("walk_sheet.print", turf, doors=sheet.doors)
    return pdf_response(sheet.pdf, walksheet.sheet_filename(turf))


@bp.route("/print", methods=["POST"])
@require_role(*EVERYONE)
def print_many():
    """Several turfs at once, printed in the background: one PDF, or a zip of one PDF per turf."""
    ids = sorted({int(value) for value in request.form.getlist("turf") if value.isdigit()})
    if not ids:
        flash(_("Tick the turfs to print."), "error")
        return redirect(url_for("turfs.index"))
    found = db.session.scalars(services.visible_turfs(current_user).where(Turf.id.in_(ids)).with_only_columns(Turf.id))
    if len(set(found)) != len(ids):
        abort(404)
    params = {"turf_ids": ids, "zip": request.form.get("bundle") == "zip", **_print_options()}
    job = jobs.create_job(turf_jobs.KIND, params, current_user.id)
    commit()
    jobs.launch(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<int:turf_id>/grid", methods=["GET", "POST"])
@require_role(*EVERYONE)
def grid(turf_id: int):
    """Enter a paper sheet back: one row per door in sheet order; all rows saved at once, or none."""
    turf = turf_or_404(turf_id)
    doors = services.turf_doors(turf)
    rows = {door.household.id: services.GridRow(door.household.id) for door in doors}
    knocked_on = services.local_today()
    status = 200
    if request.method == "POST":
        for door in doors:
            key = door.household.id
            rows[key] = services.GridRow(
                key,
                result=request.form.get(f"result-{key}", ""),
                support=request.form.get(f"support-{key}", ""),
                note=request.form.get(f"note-{key}", "")[:2000],
                follow_up=request.form.get(f"follow-{key}") == "1",
            )
        error = None
        try:
            knocked_on = date.fromisoformat(request.form.get("knocked_on", ""))
        except ValueError:
            error = _("Give the date of the round.")
        written = None
        if error is None:
            # A door changed meanwhile: nothing saved, the grid comes back as typed with the reason.
            conflict = lambda: _grid_page(turf, doors, rows, knocked_on, 409, CONFLICT_MESSAGE)  # noqa: E731
            try:
                with unit_of_work(on_conflict=conflict):
                    written = services.save_sheet(turf, list(rows.values()), current_user.id, knocked_on)
                    if written is None:
                        db.session.rollback()  # rows to correct: nothing is kept
                    else:
                        audit.record("walk_sheet.enter", turf, doors=written)
                if written is not None:
                    flash(ngettext_doors(written), "success")
                    return redirect(url_for("turfs.show", turf_id=turf.id))
            except services.TurfError as problem:
                error = str(problem)
        db.session.rollback()
        bad = sum(1 for row in rows.values() if row.errors)
        return _grid_page(
            turf, doors, rows, knocked_on, 422, error or _("Nothing was saved: %(count)s row(s) to correct.", count=bad)
        )
    audit.record_now("walk_sheet.grid", turf, doors=len(doors))
    return _grid_page(turf, doors, rows, knocked_on, status)


def _grid_page(turf, doors, rows, knocked_on, status: int, error=None):
    """The grid of a paper sheet, with what was typed; `error` is flashed (nothing was saved)."""
    if error is not None:
        flash(str(error), "error")
    return (
        render_template(
            "turfs/grid.html",
            turf=turf,
            doors=doors,
            rows=rows,
            knocked_on=knocked_on,
            results=[(code, services.RESULT_SHORT_CODES[code], label) for code, label in RESULT_LABELS.items()],
            legend=walksheet.legend_text(),
            address_line=services.address_line,
            address_details=services.address_details,
            support_enabled=_support_enabled(),
        ),
        status,
    )


def ngettext_doors(count: int) -> str:
    return ngettext("%(num)d door recorded.", "%(num)d doors recorded.", count)


def _support_enabled() -> bool:
    return bool(current_app.config.get("SUPPORT_LEVELS_ENABLED", True))


@bp.route("/door/<int:household_id>", methods=["GET", "POST"])
@require_role(*EVERYONE)
def door(household_id: int):
    """One door on a phone (the QR code's page): tap a result, add a note, save."""
    household, turf, residents = _door(household_id)
    errors = []
    form = {"note": "", "follow_up": False, "resident_id": "", "support": ""}
    status = 200
    if request.method == "POST":
        form = {
            "note": request.form.get("note", "")[:2000],
            "follow_up": request.form.get("follow_up") == "1",
            "resident_id": request.form.get("resident_id", ""),
            "support": request.form.get("support", ""),
        }
        result = request.form.get("result", "")
        resident_id = int(form["resident_id"]) if form["resident_id"].isdigit() else None
        try:
            support = services.parse_support(form["support"])
            if result not in RESULT_LABELS:
                raise services.TurfError(_l("Tap a result."))
            if resident_id is not None and resident_id not in {r.id for r in residents}:
                raise services.TurfError(_l("This person does not live behind this door."))
            # Someone changed a resident of this door meanwhile: nothing saved; the page shows the door afresh.
            with unit_of_work(on_conflict=lambda: _door_page(household_id, form, [str(CONFLICT_MESSAGE)], 409)):
                knock = services.record_knock(
                    household,
                    result,
                    current_user.id,
                    resident_id=resident_id,
                    support_level=support if result == "talked" else None,
                    note=form["note"],
                    follow_up=form["follow_up"],
                    entered_via="phone",
                )
                audit.record("door_knock.create", knock, via="phone")
            flash(_("Saved: %(result)s.", result=RESULT_LABELS[result]), "success")
            return redirect(url_for("turfs.door", household_id=household.id))
        except services.TurfError as error:
            db.session.rollback()
            errors.append(str(error))
            status = 422
    # After an error the rollback expired what was loaded: the page reads the door again, as it is now.
    return _door_page(household_id, form, errors, status, None if errors else (household, turf, residents))


def _door(household_id: int):
    """The household, its turf and the residents one may knock for, if this person may open that door."""
    found = services.household_turf(current_user, household_id)
    if found is None:
        abort(404)
    household, turf = found
    residents = sorted(
        (r for r in household.residents if not r.do_not_contact), key=lambda r: (r.last_name, r.first_name)
    )
    return household, turf, residents


def _door_page(household_id: int, form: dict, errors: list, status: int, door=None):
    """The door page; `door` is what the view loaded, else the door is read again."""
    household, turf, residents = door or _door(household_id)
    last = services.last_knocks([household.id]).get(household.id)
    return (
        render_template(
            "turfs/door.html",
            household=household,
            address=household.address,
            turf=turf,
            residents=residents,
            do_not_knock=bool(household.residents) and not residents,
            last=last,
            errors=errors,
            form=form,
            results=list(RESULT_LABELS.items()),
            result_labels=RESULT_LABELS,
            short_id=services.short_door_id(household.id),
            address_line=services.address_line,
            address_details=services.address_details,
            support_enabled=_support_enabled(),
        ),
        status,
    )
