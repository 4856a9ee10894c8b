"""A job's progress page, its JSON for polling, and its result download."""

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_login import current_user

from organizer.audit import services as audit
from organizer.auth.permissions import require_role
from organizer.extensions import db
from organizer.jobs import services
from organizer.jobs.models import Job

bp = Blueprint("jobs", __name__)
URL_PREFIX = "/jobs"


def _own_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    kind = services.job_kinds().get(job.kind) if job is not None else None
    # Only the person who started it (or the kind's roles: administrators, by default) sees a job: its result
    # may hold personal data.
    if job is None or job.created_by_id != current_user.id and (kind is None or current_user.role not in kind.roles):
        abort(404)
    return job


@bp.route("/<int:job_id>")
@require_role()
def show(job_id: int):
    """Progress (or "waiting for a worker"), then the result."""
    job = _own_job(job_id)
    kind = services.job_kinds().get(job.kind)
    outcome = None
    if job.state in ("done", "failed") and kind is not None and kind.outcome is not None:
        outcome = kind.outcome(job)
    return render_template(
        "jobs/show.html",
        job=job,
        label=kind.label if kind else job.kind,
        summary_labels=kind.summary_labels if kind else {},
        ready_message=kind.ready_message if kind else None,
        outcome=outcome,
        waiting=services.waiting_for_worker(job),
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
        waiting=services.waiting_for_worker(job),
    )


@bp.route("/<int:job_id>/result")
@require_role()
def result(job_id: int):
    """Download what the job produced."""
    job = _own_job(job_id)
    if job.state != "done" or job.result is None:
        abort(404)
    audit.record_now("job.download", job, kind=job.kind)
    response = Response(job.result, mimetype=job.result_mimetype or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{job.result_name or "result"}"'
    response.headers["Cache-Control"] = "no-store"
    return response
