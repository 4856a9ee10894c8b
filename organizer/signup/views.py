"""Public sign-up pages (no account), their short link and QR code, and the links in residents' e-mail."""

import io

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from organizer.audit import services as audit
from organizer.auth.models import Role
from organizer.auth.permissions import public, require_role
from organizer.campaigns import services as campaigns
from organizer.campaigns.models import Attendee
from organizer.core.services import organization_name
from organizer.extensions import db
from organizer.kernel.unit_of_work import commit
from organizer.mail import services as mail
from organizer.printing.pdf import pdf_response, render_pdf
from organizer.residents.models import Resident
from organizer.signup import services
from organizer.signup.forms import ConfirmForm, PublishForm, SignupForm
from organizer.turnout import mailing, tokens

bp = Blueprint("signup", __name__)
EDITORS = (Role.ORGANIZER, Role.LEADER)
# A sign-up form is a few hundred bytes; anything much bigger is not a person filling it in.
MAX_FORM_BYTES = 8 * 1024


def consent_text() -> str:
    """The sentence next to the box, in the page's language; stored with the consent (in French, for the file)."""
    return _(
        "I agree that %(organization)s keeps my name and contact details to confirm and remind me of this action "
        "and to tell me about what follows. I can unsubscribe or ask for their deletion at any time.",
        organization=organization_name(),
    )


@bp.route("/s/<code>", methods=["GET", "POST"])
@public
def page(code: str):
    """What, when, where, why, and the form. Shows nobody else's data, not even how many signed up."""
    found = services.load_published(code) or abort(404)
    signup_page, action = found
    if request.method == "POST" and (request.content_length or 0) > MAX_FORM_BYTES:
        abort(413)
    form = SignupForm()
    is_open = services.is_open(action)
    if request.method == "POST" and is_open:
        ip = request.remote_addr or "?"
        if services.throttled(ip, action.id):
            audit.record_now("signup.throttled", action)
            flash(_("Too many sign-ups from here: please try again later."), "error")
            return render_template(
                "signup/page.html", action=action, form=form, code=code, is_open=is_open, consent=consent_text()
            ), 429
        services.count_attempt(ip, action.id)
        if form.website.data:  # only robots see (and fill) this field: pretend it worked, keep nothing
            audit.record("signup.honeypot", action)
            commit()
            return redirect(url_for("signup.thanks", code=code))
        if form.validate_on_submit():
            data = services.clean(form)
            data.locale = str(get_locale() or "")
            try:
                job = _sign_up(action, data, code)
            except IntegrityError:
                # The same person's second click, committed a moment earlier (PostgreSQL): sign up again on top.
                db.session.rollback()
                job = _sign_up(services.load_published(code)[1], data, code)
            mail.start_sending(job)
            return redirect(url_for("signup.thanks", code=code))
        commit()  # the attempt counts even when the form was wrong
    return render_template(
        "signup/page.html", action=action, form=form, code=code, is_open=is_open, consent=consent_text()
    )


def _sign_up(action, data, code: str):
    """Sign up, queue the confirmation and the job that sends it, commit; the job is started after the commit."""
    services.sign_up(action, data, consent_text(), services.public_url(code))
    job = mail.sending_job()
    commit()
    return job


@bp.route("/s/<code>/merci")
@public
def thanks(code: str):
    """After signing up: the date again and a calendar file; nothing about the person is shown."""
    found = services.load_published(code) or abort(404)
    return render_template("signup/thanks.html", action=found[1], code=code)


@bp.route("/s/<code>.ics")
@public
def ics(code: str):
    """The action as a calendar file, for the public (no team link, no turnout figures)."""
    found = services.load_published(code) or abort(404)
    body = mailing.resident_ics(found[1], services.public_url(code))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="action-{found[1].id}.ics"'
    return response


def _confirm_page(template: str, **context):
    return render_template(template, form=ConfirmForm(), **context)


@bp.route("/r/cancel/<token>", methods=["GET", "POST"])
@public
def cancel(token: str):
    """ "I can't come any more": GET asks to confirm, POST changes the RSVP."""
    values = tokens.read("cancel", token) or abort(404)
    attendee = db.session.get(Attendee, values.get("a")) or abort(404)
    action = campaigns.load_action(attendee.action_id) or abort(404)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        services.cancel(attendee)
        commit()
        return render_template(
            "signup/done.html", message=_("Noted: you are no longer expected. Thank you for telling us.")
        )
    return _confirm_page("signup/cancel.html", action=action, already=attendee.rsvp == "no")


@bp.route("/r/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str):
    """Stop e-mail: GET asks to confirm, POST withdraws the consent."""
    values = tokens.read("unsubscribe", token) or abort(404)
    resident = db.session.get(Resident, values.get("r")) or abort(404)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        services.unsubscribe(resident)
        commit()
        return render_template("signup/done.html", message=_("Done: you will receive no more e-mail from us."))
    return _confirm_page("signup/unsubscribe.html", already=not resident.email_consent)


# --- The organizer's side: publish, short link, QR code ----------------------------------------------------


def _editable_action(action_id: int):
    action = campaigns.load_action(action_id) or abort(404)
    if not campaigns.can_edit(current_user, action.campaign):
        abort(403)
    return action


@bp.route("/campaigns/actions/<int:action_id>/public-page", methods=["POST"])
@require_role(*EDITORS)
def publish(action_id: int):
    """Publish or take down the action's public sign-up page."""
    action = _editable_action(action_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    published = request.form.get("publish") == "1"
    services.set_published(action, published)
    commit()
    flash(_("The public page is online.") if published else _("The public page is offline."), "success")
    return redirect(url_for("campaigns.action", action_id=action.id) + "#public-page")


@bp.route("/campaigns/actions/<int:action_id>/public-page/qr.svg")
@require_role(*EDITORS, Role.CANVASSER)
def qr(action_id: int):
    """The short link as a QR code for flyers (SVG: sharp at any size)."""
    signup_page = services.page_for(action_id) or abort(404)
    buffer = io.BytesIO()
    segno.make_qr(services.public_url(signup_page.code), error="m").save(buffer, kind="svg", scale=8, border=2)
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@bp.route("/campaigns/actions/<int:action_id>/public-page/flyer.pdf")
@require_role(*EDITORS, Role.CANVASSER)
def flyer(action_id: int):
    """A flyer to print and hand out: what, when, where, why, the QR code and the short link."""
    signup_page = services.page_for(action_id)
    if signup_page is None or not signup_page.published:
        abort(404)
    found = services.load_published(signup_page.code) or abort(404)
    url = services.public_url(signup_page.code)
    qr_uri = segno.make_qr(url, error="m").png_data_uri(scale=1, border=2)
    pdf = render_pdf("signup/flyer.html", action=found[1], url=url, qr=qr_uri, organization=organization_name())
    return pdf_response(pdf, f"action-{action_id}-flyer.pdf")
