"""The canvasser's phone: an app shell (drawn by static/js/canvass.js from what the phone keeps), the JSON it
loads and sends back, the service worker and the web-app manifest."""

import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from organizer.audit import services as audit
from organizer.auth import records
from organizer.auth.permissions import public, require_role
from organizer.canvass import services
from organizer.conversations.labels import RESULT_LABELS
from organizer.extensions import db
from organizer.kernel.time import local_today
from organizer.kernel.unit_of_work import unit_of_work
from organizer.residents.labels import CONSENT_LABELS
from organizer.residents.models import Household
from organizer.turfs.models import Turf

bp = Blueprint("canvass", __name__)
NAVIGATION = [("canvass.home", _l("My walk lists"), ("canvasser",), 25)]
EVERYONE = ("organizer", "leader", "canvasser")
# Files the service worker keeps so the app opens with no signal; nothing personal among them.
SHELL_ASSETS = (
    "css/app.css",
    "js/app.js",
    "js/canvass-store.js",
    "js/canvass.js",
    "icons/canvass-192.png",
    "icons/canvass-512.png",
    "favicon.svg",
)
# Symbols beside result labels: colour is never the only signal.
RESULT_SYMBOLS = {
    "not_home": "○",
    "talked": "✓",
    "refused": "✕",
    "moved": "→",
    "inaccessible": "⊘",
    "come_back": "↻",
    "language_barrier": "≠",
    "do_not_contact": "⊗",
}
# Results one tap records from the walk list; "talked" opens the door page for the conversation.
QUICK_RESULTS = ("not_home", "refused", "come_back")


def _private(response):
    """Personal data: never stored by a browser or proxy cache (the phone keeps it in IndexedDB, on purpose)."""
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Pragma"] = "no-cache"
    return response


def _try_again():
    """A record changed at the instant of the commit (rolled back whole): the phone keeps its queue and sends
    it again (any answer other than 2xx leaves every item waiting)."""
    return _private(jsonify(error=_("Someone saved a change at the same moment: sending again."))), 409


def _assets_version() -> str:
    """A digest of the shell's files: a new version of any of them makes a new service worker, which
    replaces the cached copies."""
    cached = current_app.extensions.get("canvass_assets_version")
    if cached:
        return cached
    digest = hashlib.sha256()
    static = Path(current_app.static_folder)
    for name in SHELL_ASSETS:
        path = static / name
        digest.update(name.encode())
        if path.exists():
            digest.update(path.read_bytes())
    digest.update((Path(current_app.root_path).parent / "templates" / "canvass" / "shell.html").read_bytes())
    version = digest.hexdigest()[:12]
    current_app.extensions["canvass_assets_version"] = version
    return version


def _strings() -> dict:
    """What canvass.js shows, in the reader's language."""
    return {
        "my_turfs": _("My turfs"),
        "no_turfs": _("No turf is assigned to you at the moment. Ask your organizer."),
        "no_turfs_offline": _("No turf is kept on this phone. Open your turfs once with a connection."),
        "doors_left": _("doors left"),
        "doors_done": _("doors done"),
        "until": _("until"),
        "open_list": _("Open the walk list"),
        "walk_list": _("Walk list"),
        "back_to_turfs": _("My turfs"),
        "show_on_map": _("Show on map"),
        "back_to_list": _("Walk list"),
        "who_answered": _("Who answered?"),
        "nobody_named": _("Nobody / not said"),
        "someone_else": _("Someone else"),
        "the_new_person": _("The new person below"),
        "support": _("Support (1 = against, 5 = very supportive)"),
        "issues": _("Issues heard"),
        "new_issue": _("Another issue (type it)"),
        "note": _("Note"),
        "follow_up": _("They want a follow-up"),
        "new_person": _("New person at this door"),
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "phone": _("Phone (optional)"),
        "email": _("E-mail (optional)"),
        "consent_basis": _("Consent basis"),
        "consent_method": _("How consent was given"),
        "consent_method_default": _("Oral, at the door"),
        "save_next": _("Save and go to the next door"),
        "result": _("Result"),
        "more": _("Details"),
        "last": _("Last:"),
        "never": _("Never knocked"),
        "do_not_knock": _("Do not knock: they asked not to be contacted."),
        "whole_floor": _("Not home: whole floor"),
        "whole_stair": _("Not home: whole staircase"),
        "saved_local": _("Saved on this phone"),
        "waiting": _("%(num)s waiting to send"),
        "all_sent": _("Everything is sent."),
        "send_now": _("Send now"),
        "sending": _("Sending…"),
        "offline": _("No connection: knocks are kept on this phone."),
        "signed_out": _(
            "Your session has ended or your account was deactivated: sign in again to send. "
            "What you logged stays on this phone."
        ),
        "refused_title": _("Not accepted by the server"),
        "discard": _("Remove from this phone"),
        "retry": _("Try again"),
        "undo": _("Back: undo"),
        "undone": _("Undone."),
        "undo_failed": _(
            "Already sent, and it could not be taken back (no connection, or more than a minute): tell your organizer."
        ),
        "saved_at": _("Saved: %(result)s, %(door)s."),
        "last_door": _("That was the last door of this turf."),
        "need_result": _("Tap a result."),
        "need_new_person": _("The new person needs a first and last name and how consent was given."),
        "script": _("What to say"),
        "door_unknown": _("This door is not in the turfs kept on this phone."),
        "access": _("Access:"),
        "signout_pending": _(
            "%(num)s knocks are not sent yet. Signing out deletes them from this phone. Sign out anyway?"
        ),
        "wiped_expired": _("A turf whose assignment has ended was removed from this phone."),
        "wiped_stale": _("The turfs kept on this phone were removed: no connection for too many days."),
    }


def _shell():
    strings = _strings()
    config = {
        "strings": strings,
        "results": [
            {"code": code, "label": str(label), "symbol": RESULT_SYMBOLS[code], "quick": code in QUICK_RESULTS}
            for code, label in RESULT_LABELS.items()
        ],
        "consent": [[code, str(label)] for code, label in CONSENT_LABELS.items()],
        "support_enabled": bool(current_app.config.get("SUPPORT_LEVELS_ENABLED", True)),
        "offline_days": services.offline_days(),
        "base": url_for("canvass.home"),
        "api": url_for("canvass.api_me").rsplit("/", 1)[0],
        "sw": url_for("canvass.service_worker"),
        "locale": request.accept_languages.best or "",
    }
    return render_template("canvass/shell.html", config=config)


@bp.route("/canvass/")
@require_role(*EVERYONE)
def home():
    """The canvasser's phone: my turfs (drawn from what the phone keeps, refreshed when online)."""
    return _shell()


@bp.route("/canvass/turf/<int:turf_id>")
@require_role(*EVERYONE)
def turf(turf_id: int):
    """A turf's walk list (the same shell: the phone draws it, with or without signal); online, a turf outside
    the person's scope answers 404 like one that does not exist (organizer.auth.records)."""
    records.load(Turf, turf_id)
    return _shell()


@bp.route("/canvass/door/<int:household_id>")
@require_role(*EVERYONE)
def door(household_id: int):
    """One door (what a walk sheet's QR code opens on the phone); outside the person's scope, 404."""
    records.load(Household, household_id)
    return _shell()


@bp.route("/canvass/api/me")
@require_role(*EVERYONE)
def api_me():
    """Who is signed in, a fresh CSRF token, and their current turfs with counts."""
    turfs = services.my_turfs(current_user)
    return _private(
        jsonify(
            user_id=current_user.id,
            csrf=generate_csrf(),
            today=local_today().isoformat(),
            offline_days=services.offline_days(),
            turfs=[
                {
                    "id": item.turf.id,
                    "name": item.turf.name,
                    "until": item.until.isoformat(),
                    "until_label": format_date(item.until, "d MMMM"),
                    "doors": item.doors,
                    "done": item.done,
                    "left": item.left,
                }
                for item in turfs
            ],
        )
    )


@bp.route("/canvass/api/turfs/<int:turf_id>")
@require_role(*EVERYONE)
def api_turf(turf_id: int):
    """One assigned turf as the phone keeps it (audited: it carries names)."""
    payload = services.turf_payload(current_user, turf_id)
    if payload is None:
        abort(404)
    audit.record_now("canvass.turf_download", db.session.get(Turf, turf_id), doors=len(payload["doors"]))
    return _private(jsonify(payload))


@bp.route("/canvass/api/sync", methods=["POST"])
@require_role(*EVERYONE)
def api_sync():
    """The phone's queue: each key accepted once; one answer per item (saved, duplicate, refused + why)."""
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    try:
        with unit_of_work(on_conflict=_try_again):
            answers = services.sync(current_user, items)
    except ValueError:  # the batch itself (not one item): nothing kept
        db.session.rollback()
        return _private(jsonify(error=_("This batch is malformed."))), 400
    return _private(jsonify(answers=answers))


@bp.route("/canvass/api/undo", methods=["POST"])
@require_role(*EVERYONE)
def api_undo():
    """Back: take back knocks sent less than a minute ago."""
    body = request.get_json(silent=True)
    try:
        with unit_of_work(on_conflict=_try_again):
            undone = services.undo(current_user, body.get("keys") if isinstance(body, dict) else None)
    except ValueError:
        db.session.rollback()
        return _private(jsonify(error=_("This batch is malformed."))), 400
    return _private(jsonify(undone=undone))


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, from the site root (so it can also answer the door URL printed in QR codes when
    offline); it keeps only the shell's files and lets office pages and the API through untouched."""
    body = render_template(
        "canvass/sw.js",
        version=_assets_version(),
        shell=url_for("canvass.home"),
        logout=url_for("auth.logout"),
        assets=[url_for("static", filename=name) for name in SHELL_ASSETS] + [url_for("canvass.manifest")],
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/canvass/manifest.webmanifest")
@public
def manifest():
    """The web-app manifest: installs the walk list on the phone's home screen."""
    response = jsonify(
        name=_("Walk list"),
        short_name=_("Walk list"),
        start_url=url_for("canvass.home"),
        scope=url_for("canvass.home"),
        display="standalone",
        background_color="#ffffff",
        theme_color="#1d4fa8",
        icons=[
            {"src": url_for("static", filename="icons/canvass-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/canvass-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    )
    response.mimetype = "application/manifest+json"
    return response
