"""Calendar feeds: personal subscription links, created and revoked by their owner."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from organizer.auth.permissions import public, require_role
from organizer.campaigns import calendar, services
from organizer.campaigns.forms import ButtonForm
from organizer.campaigns.models import CalendarToken
from organizer.db import write_intent
from organizer.extensions import db
from organizer.kernel.routes import Routes
from organizer.kernel.unit_of_work import commit

routes = Routes()


# --- Calendar feeds ----------------------------------------------------------------------------------


@routes.route("/calendar")
@require_role()
def calendar_feeds():
    """My secret calendar feed URLs: create one, revoke one."""
    return render_template(
        "campaigns/calendar.html",
        tokens=services.calendar_tokens(current_user),
        new_url=None,
        button_form=ButtonForm(),
    )


@routes.route("/calendar/new", methods=["POST"])
@require_role()
def new_calendar_feed():
    """A new secret feed URL, shown once (only its hash is kept)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    raw = services.issue_calendar_token(current_user)
    commit()
    return render_template(
        "campaigns/calendar.html",
        tokens=services.calendar_tokens(current_user),
        new_url=url_for("campaigns.calendar_feed", token=raw, _external=True),
        button_form=ButtonForm(),
    )


@routes.route("/calendar/<int:token_id>/revoke", methods=["POST"])
@require_role()
def revoke_calendar_feed(token_id: int):
    """The URL stops working at once, in every calendar it was added to."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    token = db.session.get(CalendarToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_calendar_token(token)
    commit()
    flash(_("Feed revoked: calendars using it will stop updating."), "success")
    return redirect(url_for("campaigns.calendar_feeds"))


@routes.route("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """The iCalendar feed behind a secret URL (calendar apps cannot sign in); 404 unless valid."""
    found = services.find_calendar_token(token)
    if found is None:
        abort(404)
    body = calendar.feed_for(found.user)
    token_id = found.id
    db.session.rollback()  # end the read snapshot (nothing was written) before writing (SQLite)
    with write_intent():
        services.mark_calendar_token_used(token_id)
        commit()
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="organizer.ics"'
    return response
