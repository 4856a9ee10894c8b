"""Upload photos or scans of filled walk sheets (turf page, phone), then review what was read and save."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from organizer.audit import services as audit
from organizer.auth.models import Role
from organizer.auth.permissions import require_role
from organizer.conversations.labels import RESULT_LABELS
from organizer.extensions import db
from organizer.jobs import files as job_files
from organizer.jobs import services as jobs
from organizer.kernel.unit_of_work import commit, unit_of_work
from organizer.paper import jobs as paper_jobs
from organizer.paper import services
from organizer.paper.models import PaperRead
from organizer.turfs import services as turfs

bp = Blueprint("paper", __name__)
URL_PREFIX = "/paper"
EVERYONE = ("organizer", "leader", "canvasser")
# What an upload may be: JPEG, PNG, PDF (by their first bytes, not their names).
MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"%PDF-", "pdf"))
MAX_FILES = 40


@bp.route("/turfs/<int:turf_id>/upload", methods=["POST"])
@require_role(*EVERYONE)
def upload(turf_id: int):
    """Keep the uploaded photos/scans and read them in the background; the job page shows progress."""
    turf = turfs.visible_turf(current_user, turf_id) or abort(404)
    back = url_for("turfs.show", turf_id=turf.id) + "#paper"
    uploads = [f for f in request.files.getlist("files") if f and f.filename][:MAX_FILES]
    if not uploads:
        flash(_("Choose one or more photos (JPEG, PNG) or a PDF scan of the filled sheets."), "error")
        return redirect(back)
    kept = []
    for upload_file in uploads:
        data = upload_file.read()
        kind = next((ext for magic, ext in MAGIC if data.startswith(magic)), None)
        if kind is None:
            flash(
                _("%(name)s is not a JPEG, PNG or PDF file: nothing was read.", name=upload_file.filename[:80]), "error"
            )
            return redirect(back)
        kept.append((data, kind))
    read = PaperRead(created_by_id=current_user.id, turf_id=turf.id, status="reading", findings={})
    db.session.add(read)
    db.session.flush()
    names = [paper_jobs.upload_name(read.id, index, kind) for index, (_data, kind) in enumerate(kept)]
    for name, (data, _kind) in zip(names, kept, strict=True):
        job_files.put(paper_jobs.FOLDER, name, data)
    read.findings = {"uploads": names}
    job = jobs.create_job(paper_jobs.KIND, {"read_id": read.id}, current_user.id)
    read.job_id = job.id
    audit.record("paper.upload", turf, files=len(kept))
    commit()
    jobs.launch(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


def _own_read(read_id: int) -> PaperRead:
    read = db.session.get(PaperRead, read_id)
    # The photos show personal data: only who uploaded them (or an administrator) reviews them.
    if read is None or (read.created_by_id != current_user.id and current_user.role != Role.ADMIN):
        abort(404)
    return read


@bp.route("/<int:read_id>")
@require_role(*EVERYONE)
def review(read_id: int):
    """What was read, doubtful doors first, each with its picture beside the choices."""
    read = _own_read(read_id)
    if read.status == "reading" and read.job_id:
        return redirect(url_for("jobs.show", job_id=read.job_id))
    audit.record_now("paper.review", ("paper_reads", read.id))
    findings = read.findings or {}
    problems = [str(services.PROBLEMS[code] % details) for code, details in findings.get("problems", [])]
    return render_template(
        "paper/review.html",
        read=read,
        doors=findings.get("doors", []),
        problems=problems,
        results=list(RESULT_LABELS.items()),
        doubts=services.DOUBTS,
        refusals=services.REFUSALS,
        today=turfs.local_today(),
        support_enabled=bool(current_app.config.get("SUPPORT_LEVELS_ENABLED", True)),
    )


@bp.route("/<int:read_id>/crops/<name>")
@require_role(*EVERYONE)
def crop(read_id: int, name: str):
    """A door block's picture, while the review lasts."""
    read = _own_read(read_id)
    names = {door.get("crop") for door in (read.findings or {}).get("doors", [])}
    data = job_files.get(paper_jobs.FOLDER, name) if read.status == "review" and name in names else None
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:read_id>/save", methods=["POST"])
@require_role(*EVERYONE)
def save(read_id: int):
    """Save the rows as confirmed on the review page (through the grid's service), then delete the images."""
    read = _own_read(read_id)
    if read.status != "review":
        flash(_("This reading was already saved or dropped."), "error")
        return redirect(url_for("turfs.show", turf_id=read.turf_id) if read.turf_id else url_for("turfs.index"))
    if request.form.get("action") == "drop":
        paper_jobs.finish(read)
        audit.record("paper.drop", ("paper_reads", read.id))
        commit()
        flash(_("Nothing was saved; the pictures are deleted."), "success")
        return redirect(url_for("turfs.show", turf_id=read.turf_id) if read.turf_id else url_for("turfs.index"))
    decisions, errors = [], []
    for door in read.findings.get("doors", []):
        for index, row in enumerate(door["rows"]):
            key = f"{door['door']}-{door['print']}-{index}"
            result = request.form.get(f"result-{key}", "")
            if not result:
                continue
            if result not in RESULT_LABELS:
                errors.append(key)
                continue
            support = request.form.get(f"support-{key}", "")
            decisions.append(
                services.Decision(
                    door["print"],
                    door["door"],
                    index,
                    row["resident"],
                    result,
                    int(support) if support.isdigit() and 1 <= int(support) <= 5 else None,
                    request.form.get(f"follow-{key}") == "1",
                    request.form.get(f"note-{key}", "")[:2000],
                )
            )
    try:
        with unit_of_work():
            saved, refused = services.save(decisions, current_user.id, turfs.local_today())
            paper_jobs.finish(read)
            audit.record("paper.save", ("paper_reads", read.id), saved=saved, refused=len(refused))
    except turfs.TurfError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("paper.review", read_id=read.id))
    message = ngettext("%(num)d knock saved.", "%(num)d knocks saved.", saved)
    if refused:
        message += " " + ngettext("%(num)d row refused.", "%(num)d rows refused.", len(refused))
    flash(message, "success")
    return redirect(url_for("turfs.show", turf_id=read.turf_id) if read.turf_id else url_for("turfs.index"))
