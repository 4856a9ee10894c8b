"""Error pages in the user's language, without internals."""

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from organizer.audit import services as audit
from organizer.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Access refused"), _l("Your role does not give access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist, or no longer does.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this record at the same time.")),
    413: (_l("File too large"), _l("The file sent is larger than the allowed maximum.")),
    429: (_l("Too many attempts"), _l("Please wait a little before trying again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Nothing you entered was saved.")),
}


def render_error(code: int, detail: str | None = None):
    """Render the error page for `code`, as JSON when the client asked for JSON."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": str(title), "message": str(detail or message)}, code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def _audit_refusal() -> None:
    # Who tried to open what they may not: written down, never blocking the answer.
    try:
        if current_user.is_authenticated:
            audit.record_now("access.refused", None, path=request.path[:200], method=request.method)
    except Exception:  # noqa: BLE001 - an audit failure must not turn a 403 into a 500
        db.session.rollback()


def register_error_handlers(app: Flask) -> None:
    """Route every HTTP error and every unexpected exception to the error page."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, str(_l("The form expired or was sent from elsewhere. Reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            return render_error(413, str(_l("The file is larger than %(limit)s MB.", limit=limit)))
        if error.code == 403 or (error.code == 404 and any(part.isdigit() for part in request.path.split("/"))):
            # 404 on a record URL: what a canvasser gets for someone else's turf or resident (no existence leak).
            _audit_refusal()
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
