"""Several walk sheets at once, printed in the background (a big batch takes longer than a web request)."""

from contextlib import nullcontext

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from organizer.audit import services as audit
from organizer.auth.models import User
from organizer.db import write_intent
from organizer.extensions import db
from organizer.kernel.contributions import JobKind
from organizer.turfs import services, walksheet
from organizer.turfs.models import Turf

KIND = "walk_sheets"


class NotYours(LookupError):
    """The person who asked may no longer print one of these turfs."""


def print_walk_sheets(job, progress):
    """One PDF of every chosen turf (each on new pages), or a zip of one PDF per turf, with progress per turf.

    Visibility is checked again here, as the asker is now: an assignment may have ended meanwhile."""
    params = job.params
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    ids = sorted(set(params["turf_ids"]))
    turfs = list(db.session.scalars(services.visible_turfs(user).where(Turf.id.in_(ids)))) if user else []
    if user is None or not user.active or len(turfs) != len(ids):
        raise NotYours(_("Some of these turfs may no longer be printed by you: nothing was printed."))
    user_id, total = user.id, len(turfs) + 1
    progress.report(0, total)
    rural, paper, lang, as_zip = params.get("rural", False), params.get("paper"), params.get("lang"), params["zip"]
    with force_locale(lang) if lang else nullcontext():
        data, doors = walksheet.build_bundle(
            turfs, as_zip, rural=rural, paper=paper, user=user, progress=progress.report
        )
    turf_ids = [turf.id for turf in turfs]
    db.session.commit()  # end the read before writing the audit trail
    extension, mimetype = ("zip", "application/zip") if as_zip else ("pdf", "application/pdf")
    name = f"walk-sheets-{services.local_today().isoformat()}.{extension}"
    summary = {"turfs": len(turf_ids), "doors": doors}
    with write_intent():
        for turf_id in turf_ids:
            audit.record("walk_sheet.print", ("turfs", turf_id), actor_id=user_id, doors=doors, turfs=len(turf_ids))
        progress.finish(summary, data, name, mimetype)  # the audit trail and the result together, once
        db.session.commit()
    return summary, data, name, mimetype


def warm_up() -> None:
    """Render one empty walk sheet in each locale in the worker: WeasyPrint, its fonts, the template and the
    stylesheet load once there, and its job processes inherit them (a cold start costs seconds per job)."""
    for lang in current_app.config["LANGUAGES"]:
        with current_app.test_request_context(), force_locale(lang):
            context = walksheet.sheet_context(Turf(id=0, name="Organizer"))
            walksheet.render_sheets([context])
    db.session.rollback()


WALK_SHEETS = JobKind(
    KIND,
    print_walk_sheets,
    _l("Walk sheets"),
    ready_message=_l("Your walk sheets are ready."),
    summary_labels={"turfs": _l("Turfs"), "doors": _l("Doors")},
    warm_up=warm_up,
)
