"""Sign in, sign out, invitations, one's own account."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from organizer.auth import services
from organizer.auth.forms import ChangePasswordForm, LoginForm, NewPasswordForm, PreferencesForm, ReauthForm
from organizer.auth.permissions import mark_authenticated_now, public, require_role
from organizer.kernel.unit_of_work import commit
from organizer.security import is_safe_next

bp = Blueprint("auth", __name__)


def _next_or_home(target: str | None):
    return redirect(target if is_safe_next(target) else url_for("core.index"))


def _fresh_session(lang: str | None) -> None:
    # A new session on every sign-in and sign-out (no fixation); only the chosen language survives.
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the sign-in form; check credentials with throttling."""
    if current_user.is_authenticated:
        return _next_or_home(request.args.get("next"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        commit()
        if result.throttled:
            flash(
                _(
                    "Too many failed attempts. Try again in %(minutes)d minutes.",
                    minutes=result.retry_after_minutes,
                ),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        if result.user is None:
            flash(_("Unknown e-mail or wrong password."), "error")
            return render_template("auth/login.html", form=form), 200
        _fresh_session(session.get("lang"))
        login_user(result.user, remember=form.remember.data)
        mark_authenticated_now()
        return _next_or_home(form.next.data)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@require_role()
def logout():
    """End every session of the user (this device and the others)."""
    lang = current_user.locale or session.get("lang")
    current_user.end_all_sessions()
    commit()
    logout_user()
    _fresh_session(lang)
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """A new user chooses their password from the link an administrator gave them."""
    user = services.user_for_invitation(token)
    if user is None:
        abort(404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.accept_invitation(user, form.password.data)
        commit()
        flash(_("Your password is set. Welcome!"), "success")
        _fresh_session(session.get("lang"))
        login_user(user)
        mark_authenticated_now()
        return redirect(url_for("core.index"))
    return render_template("auth/invitation.html", form=form, user=user)


@bp.route("/account", methods=["GET", "POST"])
@require_role()
def account():
    """One's own language and password."""
    preferences = PreferencesForm(prefix="prefs", locale=current_user.locale or "fr")
    password_form = ChangePasswordForm(prefix="pw")
    if preferences.submit.data and preferences.validate_on_submit():
        current_user.locale = preferences.locale.data
        commit()
        flash(_("Preferences saved."), "success")
        return redirect(url_for("auth.account"))
    if password_form.submit.data and password_form.validate_on_submit():
        if not current_user.check_password(password_form.current.data):
            password_form.current.errors.append(_("This is not your current password."))
        else:
            services.change_password(current_user, password_form.password.data)
            commit()
            login_user(current_user._get_current_object())  # this device keeps going with the new token
            flash(_("Password changed. Your other sessions are signed out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", preferences=preferences, password_form=password_form)


@bp.route("/reauthenticate", methods=["GET", "POST"])
@require_role()
def reauthenticate():
    """Confirm the password before a sensitive step (exports, erasure)."""
    form = ReauthForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        result = services.authenticate(current_user.email, form.password.data, request.remote_addr or "")
        commit()
        if result.throttled:
            flash(
                _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=result.retry_after_minutes),
                "error",
            )
            return render_template("auth/reauthenticate.html", form=form), 429
        if result.user is None:
            form.password.errors.append(_("This is not your current password."))
        else:
            mark_authenticated_now()
            return _next_or_home(form.next.data)
    return render_template("auth/reauthenticate.html", form=form)
