"""The outbox: what was sent, what waits for a retry, what failed (administrators)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from organizer.audit import services as audit
from organizer.auth.models import Role
from organizer.auth.permissions import require_role
from organizer.extensions import db
from organizer.kernel.unit_of_work import commit
from organizer.mail import labels, services, transport
from organizer.mail.models import OutgoingMail

bp = Blueprint("mail", __name__)
URL_PREFIX = "/admin/mail"
NAVIGATION = [("mail.index", _l("E-mail"), (Role.ADMIN,), 92)]
PAGE_SIZE = 100


@bp.route("/")
@require_role(Role.ADMIN)
def index():
    """Counts by state, then the latest messages (failures first) with their last error."""
    counts = dict(db.session.execute(select(OutgoingMail.state, func.count()).group_by(OutgoingMail.state)).all())
    messages = db.session.scalars(
        select(OutgoingMail).order_by((OutgoingMail.state == "failed").desc(), OutgoingMail.id.desc()).limit(PAGE_SIZE)
    ).all()
    return render_template(
        "mail/outbox.html",
        counts=counts,
        messages=messages,
        state_labels=labels.STATE_LABELS,
        smtp=transport.smtp_configured(),
        folder=transport.outbox_folder(),
        form=FlaskForm(),
    )


@bp.route("/retry", methods=["POST"])
@require_role(Role.ADMIN)
def retry():
    """Queue the failed messages again and start sending (after the server was fixed)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    count = services.retry_failed()
    audit.record("mail.retry", None, messages=count)
    job = services.sending_job(current_user.id) if count else None
    commit()
    services.start_sending(job)
    flash(_("%(count)s message(s) will be sent again.", count=count), "success")
    return redirect(url_for("mail.index"))
