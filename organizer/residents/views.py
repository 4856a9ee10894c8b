"""Resident pages: list and search, resident and household pages, edit, bulk tags, duplicates, import, export."""

import json
import re
import secrets

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.auth import records
from organizer.auth.models import User
from organizer.auth.permissions import require_recent_auth, require_role
from organizer.extensions import db
from organizer.jobs import files as job_files
from organizer.jobs import services as jobs
from organizer.jobs.models import Job
from organizer.kernel.unit_of_work import commit, unit_of_work
from organizer.params import int_list, parse_int
from organizer.residents import duplicates as lookalikes
from organizer.residents import (
    exporting,
    importing,
    lists,
    phones,
    services,
    views_lists,
    views_merge,
)
from organizer.residents import jobs as import_jobs
from organizer.residents.forms import (
    BulkTagForm,
    ImportConfirmForm,
    ImportUploadForm,
    ResidentForm,
)
from organizer.residents.jobs import FOLDER
from organizer.residents.labels import CONSENT_LABELS, ELECTORAL_WARNING, STAGE_LABELS
from organizer.residents.models import Household, Issue, Resident, Tag
from organizer.residents.timeline import timeline_for
from organizer.residents.views_common import ALL_ROLES, _filter_args, _filters_from, _turf_model
from organizer.residents.views_merge import _undoable_merges

bp = Blueprint("residents", __name__)
bp.add_app_template_global(services.full_address, "full_address")
bp.add_app_template_global(services.resident_hint, "resident_hint")
bp.add_app_template_filter(phones.display, "phone")
bp.add_app_template_filter(phones.last_digits, "phone_end")
URL_PREFIX = "/residents"
NAVIGATION = [("residents.index", _l("Residents"), ("organizer", "leader", "canvasser"), 20)]
PAGE_SIZE = 50
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _filters() -> services.Filters:
    return _filters_from(request.values)


def _choices():
    # (id, name) rows, not objects: a city has hundreds of turfs, and the list page is the busiest page.
    tags = db.session.execute(select(Tag.id, Tag.name).order_by(Tag.name)).all()
    issues = db.session.execute(select(Issue.id, Issue.name).order_by(Issue.name)).all()
    turf = _turf_model()
    turfs = db.session.execute(records.visible(turf, None, turf.id, turf.name).order_by(turf.name)).all()
    return tags, issues, turfs


@bp.route("/")
@require_role(*ALL_ROLES)
def index():
    """The resident list: search, filters, keyset pages, bulk tagging."""
    filters = _filters()
    residents, next_cursor = services.search(current_user, filters, after=request.args.get("after"), limit=PAGE_SIZE)
    tags, issues, turfs = _choices()
    return render_template(
        "residents/index.html",
        residents=residents,
        # Translated once for the 50 rows' checkbox labels, not once per row.
        select_label=_("Select %(name)s"),
        filters=filters,
        filter_args=_filter_args(filters),
        next_cursor=next_cursor,
        paged=bool(request.args.get("after")),
        tags=tags,
        issues=issues,
        turfs=turfs,
        stages=STAGE_LABELS,
        bulk_form=BulkTagForm(),
        bulk_actions=lists.ACTIONS,
        saved_searches=lists.searches_for(current_user),
        may_export=services.may_export(current_user),
        support_enabled=current_app.config["SUPPORT_LEVELS_ENABLED"],
    )


@bp.route("/bulk-tag", methods=["POST"])
@require_role(*ALL_ROLES)
def bulk_tag():
    """Add or remove a tag on the ticked residents."""
    form = BulkTagForm()
    ids = [resident.id for resident in records.load_all(Resident, int_list("resident_ids", values=request.form))]
    if not form.validate_on_submit():
        flash(_("Give the tag a name."), "error")
    elif not ids:
        flash(_("Tick at least one resident."), "error")
    else:
        count = services.bulk_tag(current_user, ids, form.tag.data, remove=form.action.data == "remove")
        commit()
        flash(_("Tag “%(tag)s” changed on %(count)s resident(s).", tag=form.tag.data, count=count), "success")
    keep = ("q", "turf", "tag_filter", "issue", "support", "stage", "contacted", "dnc")
    back = {("tag" if k == "tag_filter" else k): v for k, v in request.form.items() if k in keep and v}
    return redirect(url_for("residents.index", **back))


def _form_choices() -> dict:
    issues = db.session.scalars(select(Issue).order_by(Issue.name)).all()
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name)).all()
    return {
        "issue_choices": [(issue.id, issue.name) for issue in issues],
        "user_choices": [(user.id, user.display_name) for user in users],
    }


def _address_values(form: ResidentForm) -> dict:
    return {key: getattr(form, key).data for key in services.ADDRESS_FIELDS}


def _resident_values(form: ResidentForm) -> dict:
    values = {key: getattr(form, key).data for key in services.RESIDENT_FIELDS}
    if not current_app.config["SUPPORT_LEVELS_ENABLED"]:
        values.pop("support_level", None)
    if not services.sees_sensitive(current_user):
        # Those who cannot read sensitive notes cannot overwrite them either.
        values.pop("note", None)
        values.pop("note_sensitive", None)
    return values


@bp.route("/new", methods=["GET", "POST"])
@require_role("organizer", "leader")
def new():
    """Add a resident by hand; look-alikes already known are shown first, to open or to confirm past."""
    form = ResidentForm(**_form_choices())
    valid = form.validate_on_submit()
    likely = _likely_duplicates(form) if valid and not form.not_a_duplicate.data else []
    if valid and not likely:
        resident = services.create_resident(
            _resident_values(form),
            by=current_user,
            address=_address_values(form),
            support_enabled=current_app.config["SUPPORT_LEVELS_ENABLED"],
        )
        db.session.refresh(resident, ["tags", "issues"])
        services.set_tags(resident, _split_tags(form.tags.data))
        services.set_issues(resident, form.issues.data or [])
        commit()
        flash(_("%(name)s was added.", name=resident.display_name), "success")
        return redirect(url_for("residents.show", resident_id=resident.id))
    if request.method == "GET":
        form.data_source.data = _("Entered by hand")
        form.consent_basis.data = "legitimate_interest"
        form.purpose.data = _("Community organizing: meetings, actions and follow-up")
    return render_template(
        "residents/edit.html",
        form=form,
        resident=None,
        likely=likely,
        reason_labels=lookalikes.REASON_LABELS,
        support_enabled=current_app.config["SUPPORT_LEVELS_ENABLED"],
    )


def _likely_duplicates(form: ResidentForm, exclude_id: int | None = None) -> list:
    return lookalikes.likely_duplicates(
        services.visible_residents(current_user),
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        phones=(form.phone.data, form.phone_alt.data),
        email=form.email.data,
        address_id=lookalikes.known_address_id(_address_values(form)),
        exclude_id=exclude_id,
    )


def _split_tags(text: str | None) -> list[str]:
    return [part for part in re.split(r"[,;]", text or "") if part.strip()]


def _load(resident_id: int, *options) -> Resident:
    return records.load(Resident, resident_id, *options)


@bp.route("/<int:resident_id>")
@require_role(*ALL_ROLES)
def show(resident_id: int):
    """The resident page: details, consent, tags, issues, household and timeline."""
    resident = _load(
        resident_id,
        selectinload(Resident.tags),
        selectinload(Resident.issues),
        selectinload(Resident.point_person),
        selectinload(Resident.household).selectinload(Household.address),
        selectinload(Resident.household).selectinload(Household.residents),
    )
    timeline = [
        entry
        for entry in timeline_for(resident.id, current_user)
        if not entry.sensitive or services.sees_sensitive(current_user)
    ]
    audit.record_now("resident.view", resident)
    return render_template(
        "residents/show.html",
        resident=resident,
        merges=_undoable_merges(resident.id) if current_user.has_role("organizer") else [],
        timeline=timeline,
        stages=STAGE_LABELS,
        consent_labels=CONSENT_LABELS,
        electoral_warning=ELECTORAL_WARNING,
        sees_sensitive=services.sees_sensitive(current_user),
        may_edit=current_user.has_role("organizer", "leader"),
        support_enabled=current_app.config["SUPPORT_LEVELS_ENABLED"],
    )


@bp.route("/<int:resident_id>/edit", methods=["GET", "POST"])
@require_role("organizer", "leader")
def edit(resident_id: int):
    """Edit a resident; a save over someone else's newer save shows both versions (409)."""
    resident = _load(
        resident_id,
        selectinload(Resident.tags),
        selectinload(Resident.issues),
        selectinload(Resident.household).selectinload(Household.address),
    )
    support_enabled = current_app.config["SUPPORT_LEVELS_ENABLED"]
    form = ResidentForm(obj=resident if request.method == "GET" else None, **_form_choices())
    if request.method == "GET":
        address = resident.household.address if resident.household else None
        if address:
            form.number.data = f"{address.number or ''} {address.suffix or ''}".strip()
            for key in ("street", "building", "staircase", "floor", "door", "access_notes", "postcode", "city"):
                getattr(form, key).data = getattr(address, key)
        form.phone.data, form.phone_alt.data = phones.display(resident.phone), phones.display(resident.phone_alt)
        form.tags.data = ", ".join(tag.name for tag in resident.tags)
        form.issues.data = [issue.id for issue in resident.issues]
        form.version.data = resident.version
        if not services.sees_sensitive(current_user) and resident.note_sensitive:
            form.note.data = None
    if form.validate_on_submit():
        expected = parse_int(form.version.data, "version")
        values = _resident_values(form)
        sees_sensitive = services.sees_sensitive(current_user)
        with unit_of_work(
            resident,
            form,
            title=_("Someone else saved %(name)s while you were editing", name=resident.display_name),
            hide=lambda saved: () if sees_sensitive or not saved.note_sensitive else ("note",),
        ):
            services.update_resident(
                resident,
                values,
                by=current_user,
                expected_version=expected,
                address=_address_values(form),
                support_enabled=support_enabled,
            )
            services.set_tags(resident, _split_tags(form.tags.data))
            services.set_issues(resident, form.issues.data or [])
        flash(_("Saved."), "success")
        return redirect(url_for("residents.show", resident_id=resident.id))
    return render_template("residents/edit.html", form=form, resident=resident, support_enabled=support_enabled)


@bp.route("/households/<int:household_id>")
@require_role(*ALL_ROLES)
def household(household_id: int):
    """One door: the address and the residents behind it that this person may see."""
    found = records.load(Household, household_id, selectinload(Household.address))
    residents = db.session.scalars(
        records.visible(Resident)
        .where(Resident.household_id == household_id)
        .order_by(Resident.sort_key, Resident.id)
        .options(selectinload(Resident.tags))
    ).all()
    return render_template("residents/household.html", household=found, residents=residents)


@bp.route("/export", methods=["POST"])
@require_role("organizer")
@require_recent_auth(minutes=15)
def export():
    """Download the filtered list as CSV or XLSX (audited)."""
    filters = _filters()
    fmt = request.form.get("format", "csv")
    query = services.filtered_residents(current_user, filters)
    ids = int_list("resident_ids", values=request.form)
    if ids:  # the ticked residents of a bulk export, still within what this person may see
        query = services.visible_residents(current_user).where(Resident.id.in_(ids[:5000]))
    support_enabled = current_app.config["SUPPORT_LEVELS_ENABLED"]
    if fmt == "xlsx":
        data, count = exporting.to_xlsx(query, support_enabled=support_enabled)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        fmt = "csv"
        delimiter = ";" if str(get_locale() or "").startswith("fr") else ","
        data, count = exporting.to_csv(query, delimiter=delimiter, support_enabled=support_enabled)
        mimetype = "text/csv; charset=utf-8"
    audit.record("residents.export", None, count=count, format=fmt, filters=_filter_args(filters))
    commit()
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=residents.{fmt}", "Cache-Control": "no-store"},
    )


# --- import -----------------------------------------------------------------------------------------------


def _stash(token: str) -> tuple[bytes, dict]:
    if not TOKEN_PATTERN.match(token):
        abort(404)
    # Job files (database or shared folder), so the worker that runs the import reads the same upload.
    saved, data = job_files.get(FOLDER, f"{token}.json"), job_files.get(FOLDER, f"{token}.data")
    if saved is None or data is None:
        flash(_("This import has expired or was already done: upload the file again."), "error")
        abort(404)
    meta = json.loads(saved)
    if meta.get("user_id") != current_user.id:
        abort(404)
    return data, meta


def _save_meta(token: str, meta: dict) -> None:
    job_files.put(FOLDER, f"{token}.json", json.dumps(meta))


def _start(kind: str, token: str, meta: dict, **extra):
    """Queue the check or the import of the stashed file, then show its progress page."""
    params = {
        "token": token,
        "filename": meta["filename"],
        "format": meta["format"],
        "mapping": meta.get("mapping"),
        **extra,
    }
    job = jobs.create_job(kind, params, current_user.id)
    meta["check_job" if kind == import_jobs.CHECK else "import_job"] = job.id
    _save_meta(token, meta)
    commit()
    jobs.launch(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/import", methods=["GET", "POST"])
@require_role("organizer")
def import_upload():
    """Step 1: upload a file; known formats go straight to the check, others to the column mapping."""
    form = ImportUploadForm()
    form.format.choices = list(importing.FORMAT_LABELS.items())
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        try:
            table = importing.read_table(data, upload.filename or "")
        except importing.FileProblem as problem:
            form.file.errors.append(str(problem))
        else:
            fmt = form.format.data if form.format.data != "auto" else importing.detect_format(table.header)
            token = secrets.token_urlsafe(24)
            job_files.put(FOLDER, f"{token}.data", data)
            meta = {"filename": upload.filename or "upload.csv", "format": fmt, "user_id": current_user.id}
            _save_meta(token, meta)
            commit()  # the upload is kept (job files) before any next step reads it
            if fmt == "generic":
                return redirect(url_for("residents.import_map", token=token))
            return _start(import_jobs.CHECK, token, meta)
    return render_template("residents/import_upload.html", form=form, max_mb=_max_mb())


def _max_mb() -> int:
    return int((current_app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024))


@bp.route("/import/<token>/map", methods=["GET", "POST"])
@require_role("organizer")
def import_map(token: str):
    """Step 2 (other files): say which column holds which field, with the first rows shown."""
    data, meta = _stash(token)
    table = importing.read_table(data, meta["filename"])
    if request.method == "POST":
        mapping = {
            field: request.form[f"map_{field}"]
            for field in importing.FIELDS
            if request.form.get(f"map_{field}") in table.header
        }
        meta["mapping"] = mapping
        _save_meta(token, meta)
        return _start(import_jobs.CHECK, token, meta)
    mapping = meta.get("mapping") or importing.guess_mapping(table.header)
    return render_template(
        "residents/import_map.html",
        token=token,
        header=table.header,
        preview=table.rows[:5],
        fields=importing.FIELDS,
        field_labels=importing.FIELD_LABELS,
        mapping=mapping,
        meta=meta,
    )


@bp.route("/import/<token>/confirm", methods=["POST"])
@require_role("organizer")
def import_confirm(token: str):
    """Last step: write (all rows, or the valid ones when asked) in the background, then show the report."""
    _data, meta = _stash(token)
    running = db.session.get(Job, meta["import_job"]) if meta.get("import_job") else None
    if running is not None and running.state in ("queued", "running"):
        return redirect(url_for("jobs.show", job_id=running.id))  # a second click follows the first
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash(_("Say where these people come from (data source)."), "error")
        if meta.get("check_job"):
            return redirect(url_for("jobs.show", job_id=meta["check_job"]))
        return redirect(url_for("residents.import_upload"))
    basis = form.basis.data if form.basis.data in CONSENT_LABELS else importing.default_basis(meta["format"])
    return _start(
        import_jobs.IMPORT,
        token,
        meta,
        source=form.source.data,
        skip_invalid=bool(form.skip_invalid.data),
        basis=basis,
        purpose=(form.purpose.data or "").strip() or importing.default_purpose(meta["format"]),
    )


@bp.route("/import/<token>/rejects.csv")
@require_role("organizer")
def import_rejects(token: str):
    """The rows an import skipped, with the reason, to correct and import again (audited download)."""
    if not TOKEN_PATTERN.match(token):
        abort(404)
    saved, rejects = job_files.get(FOLDER, f"{token}.json"), job_files.get(FOLDER, f"{token}.rejects.csv")
    if saved is None or rejects is None:
        abort(404)
    meta = json.loads(saved)
    if meta.get("user_id") != current_user.id:
        abort(404)
    audit.record_now("residents.import_rejects", None, filename=meta["filename"][-120:])
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", meta["filename"])[:80] or "import"
    return Response(
        rejects,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={name}.rejects.csv", "Cache-Control": "no-store"},
    )


# Each area's routes, mounted on this one blueprint (endpoints stay residents.<view>).
for _area in (views_lists, views_merge):
    _area.routes.register_on(bp)
