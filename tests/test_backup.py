"""Backup then restore gives the same data, on SQLite and PostgreSQL."""

from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.extensions import db


def _snapshot(app):
    with app.app_context():
        return (
            sorted(db.session.scalars(select(User.email))),
            db.session.scalar(select(func.count(AuditEvent.id))),
        )


def test_backup_then_restore_gives_the_same_data(app, runner, make_user, tmp_path):
    make_user("organizer", email="nadia@example.org")
    make_user("canvasser", email="lea@example.org")
    out = tmp_path / "backups" / "organizer.backup"
    before = _snapshot(app)  # the backup's own audit line comes after the copy
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    # Damage after the backup: a user removed.
    with app.app_context():
        db.session.delete(db.session.scalar(select(User).where(User.email == "lea@example.org")))
        db.session.commit()
    assert _snapshot(app) != before
    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    emails, audit_count = _snapshot(app)
    assert emails == before[0] and audit_count == before[1]
