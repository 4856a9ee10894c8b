"""The audit log as a CSV file, built in the background (it can be long)."""

import csv
import io

from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.extensions import db
from organizer.jobs.services import job_handler
from organizer.spreadsheets import neutralise

BATCH = 2000


@job_handler("audit.export")
def export_audit_log(job, progress):
    """Every audit event, oldest first, as UTF-8 CSV with a BOM (opens in Excel)."""
    total = db.session.scalar(select(func.count(AuditEvent.id)))
    progress.report(0, total)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=job.params.get("delimiter", ","))
    writer.writerow(["id", "at", "actor", "action", "target_type", "target_id", "ip", "details"])
    last_id, done = 0, 0
    while True:
        rows = db.session.execute(
            select(AuditEvent, User.email)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for event, email in rows:
            details = ";".join(f"{k}={v}" for k, v in sorted((event.details or {}).items()))
            writer.writerow(
                neutralise(
                    [
                        event.id,
                        event.at.isoformat(),
                        email or "",
                        event.action,
                        event.target_type or "",
                        event.target_id or "",
                        event.ip or "",
                        details,
                    ]
                )
            )
        last_id, done = rows[-1][0].id, done + len(rows)
        progress.report(done)
    return {"events": done}, ("\ufeff" + out.getvalue()).encode("utf-8"), "audit-log.csv", "text/csv"
