"""A job's progress page, its JSON for polling, and its result download."""

from collections.abc import Callable

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_babel import lazy_gettext as _l

from organizer.auth import records
from organizer.auth.permissions import require_role
from organizer.jobs.models import Job

bp = Blueprint("jobs", __name__)
URL_PREFIX = "/jobs"

# Features add their kinds' titles and summary keys (e.g. JOB_LABELS["walk_sheets"] = _l("Walk sheets")),
# the sentence that says the work is ready, and, for a richer ending, a function rendering the outcome
# (done or failed) as HTML, or None for the plain summary.
JOB_LABELS: dict[str, str] = {"audit.export": _l("Audit log export")}
SUMMARY_LABELS: dict[str, str] = {"events": _l("Events")}
READY_MESSAGES: dict[str, str] = {"audit.export": _l("Your export is ready.")}
JOB_OUTCOMES: dict[str, Callable[[Job], str | None]] = {}
# Kinds only their author sees, not even an administrator (an import's report quotes the uploaded file).
CREATOR_ONLY: set[str] = set()


def _own_job(job_id: int) -> Job:
    # Only the person who started it (or an admin) sees a job: its result may hold personal data
    # (organizer.jobs.access, through the one record loader).
    return records.load(Job, job_id)


@bp.route("/<int:job_id>")
@require_role()
def show(job_id: int):
    """Progress, then the result."""
    job = _own_job(job_id)
    outcome = None
    if job.state in ("done", "failed") and job.kind in JOB_OUTCOMES:
        outcome = JOB_OUTCOMES[job.kind](job)
    return render_template(
        "jobs/show.html",
        job=job,
        job_labels=JOB_LABELS,
        summary_labels=SUMMARY_LABELS,
        ready_message=READY_MESSAGES.get(job.kind),
        outcome=outcome,
    )


@bp.route("/<int:job_id>.json")
@require_role()
def status(job_id: int):
    """State and progress, polled by the page."""
    job = _own_job(job_id)
    return jsonify(
        id=job.id,
        state=job.state,
        done=job.done,
        total=job.total,
        percent=job.percent,
        summary=job.summary,
        error=job.error if job.state == "failed" else None,
    )


@bp.route("/<int:job_id>/result")
@require_role()
def result(job_id: int):
    """Download what the job produced."""
    job = _own_job(job_id)
    if job.state != "done" or job.result is None:
        abort(404)
    from organizer.audit import services as audit

    audit.record_now("job.download", job, kind=job.kind)
    response = Response(job.result, mimetype=job.result_mimetype or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{job.result_name or "result"}"'
    response.headers["Cache-Control"] = "no-store"
    return response
