"""Home page, language switch and health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from organizer.auth.permissions import public, require_role
from organizer.core.services import current_organization, database_status
from organizer.kernel.contributions import panels_for
from organizer.kernel.unit_of_work import commit
from organizer.security import is_safe_next

bp = Blueprint("core", __name__)
NAVIGATION = [("core.index", _l("Home"), (), 0)]


@bp.route("/")
@require_role()
def index():
    """The signed-in home page: every feature's dashboard panels this person may see."""
    return render_template("core/index.html", organization=current_organization(), panels=panels_for(current_user))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language (kept on the account when signed in)."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            commit()
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("core.index"))


@bp.route("/healthz")
@public
def healthz():
    """Liveness and database reachability, for monitors and load balancers."""
    problem = database_status()
    if problem:
        return jsonify(status="error", database=f"unreachable: {problem}"), 503
    return jsonify(status="ok", database="ok")
