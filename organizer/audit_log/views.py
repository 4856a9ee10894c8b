"""The audit log, searchable by administrators."""

from datetime import datetime, time, timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.audit.models import AuditEvent
from organizer.audit_log import labels
from organizer.auth.models import Role, User
from organizer.auth.permissions import require_recent_auth, require_role
from organizer.extensions import db
from organizer.jobs import services as jobs
from organizer.kernel.unit_of_work import commit
from organizer.params import int_arg, parse_int

bp = Blueprint("audit", __name__)
URL_PREFIX = "/admin/audit"
NAVIGATION = [("audit.index", _l("Audit log"), (Role.ADMIN,), 95)]

PAGE_SIZE = 50


def _parse_date(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


@bp.route("/")
@require_role(Role.ADMIN)
def index():
    """Audit events, newest first, filtered by action, person, record and dates; keyset pages."""
    filters = {key: request.args.get(key, "").strip() for key in ("action", "actor", "target_type", "target_id")}
    date_from, date_to = _parse_date(request.args.get("from")), _parse_date(request.args.get("to"))
    query = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"]))
    if filters["actor"]:
        query = query.join(User, User.id == AuditEvent.actor_id).where(User.email.contains(filters["actor"].lower()))
    if filters["target_type"]:
        query = query.where(AuditEvent.target_type == filters["target_type"])
    target_id = parse_int(filters["target_id"], "target_id")
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    if date_from:
        query = query.where(AuditEvent.at >= datetime.combine(date_from, time.min))
    if date_to:
        query = query.where(AuditEvent.at < datetime.combine(date_to + timedelta(days=1), time.min))
    before = int_arg("before")
    if before:
        query = query.where(AuditEvent.id < before)
    events = db.session.scalars(query.limit(PAGE_SIZE + 1)).all()
    has_more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    next_args = dict(request.args, before=events[-1].id) if has_more else None
    return render_template(
        "audit/index.html",
        audit_action=labels.action_label,
        audit_target=labels.target_label,
        audit_details=labels.details_text,
        events=events,
        filters=filters,
        date_from=request.args.get("from", ""),
        date_to=request.args.get("to", ""),
        next_args=next_args,
    )


@bp.route("/export", methods=["POST"])
@require_role(Role.ADMIN)
@require_recent_auth(minutes=15)
def export():
    """Start the CSV export of the whole log in the background and show its progress."""
    from flask_login import current_user

    delimiter = ";" if str(get_locale()) == "fr" else ","
    job = jobs.create_job("audit.export", {"delimiter": delimiter}, current_user.id)
    audit.record("audit.export", job)
    commit()
    jobs.launch(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))
