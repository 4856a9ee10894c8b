"""The directory: actors and local government bodies."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.auth.permissions import require_role
from organizer.campaigns import services
from organizer.campaigns.forms import ActorForm, LocalBodyForm
from organizer.campaigns.models import LOCAL_BODY_LEVELS, Actor, LocalBody
from organizer.campaigns.views_common import EDITORS, READERS, _require_directory_edit, _timezone
from organizer.extensions import db
from organizer.kernel.routes import Routes
from organizer.kernel.time import aware_utc
from organizer.kernel.unit_of_work import commit

routes = Routes()


# --- Directory: actors and local government -----------------------------------------------------------


@routes.route("/actors")
@require_role(*READERS)
def actors():
    """Everyone who may sit on a power map."""
    rows = db.session.scalars(select(Actor).options(selectinload(Actor.local_body)).order_by(Actor.name)).all()
    return render_template("campaigns/actors.html", actors=rows, can_edit=services.can_edit_directory(current_user))


def _actor_form(actor: Actor | None = None) -> ActorForm:
    form = ActorForm(obj=actor) if actor is not None else ActorForm()
    bodies = db.session.scalars(select(LocalBody).order_by(LocalBody.name)).all()
    form.local_body_id.choices = [("", _("— none —"))] + [(b.id, b.name) for b in bodies]
    if actor is None and request.method == "GET" and request.args.get("local_body", "").isdigit():
        form.local_body_id.data = int(request.args["local_body"])
    return form


@routes.route("/actors/new", methods=["GET", "POST"])
@routes.route("/actors/<int:actor_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def edit_actor(actor_id: int | None = None):
    """Add or change an actor of the directory."""
    _require_directory_edit()
    actor = (db.session.get(Actor, actor_id) or abort(404)) if actor_id else None
    form = _actor_form(actor)
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in services.ACTOR_FIELDS}
        actor = services.save_actor(actor, data)
        commit()
        flash(_("%(name)s saved.", name=actor.name), "success")
        return redirect(url_for("campaigns.actors") + f"#actor-{actor.id}")
    return render_template("campaigns/actor_edit.html", form=form, actor=actor)


@routes.route("/local-government")
@require_role(*READERS)
def local_bodies():
    """Commune, intercommunalité, département, région: elected officials, services, council dates."""
    bodies = db.session.scalars(
        select(LocalBody).options(selectinload(LocalBody.officials), selectinload(LocalBody.meetings))
    ).all()
    order = list(LOCAL_BODY_LEVELS)
    bodies = sorted(bodies, key=lambda body: (order.index(body.level) if body.level in order else 9, body.name))
    now = services.utcnow()
    upcoming = {
        body.id: [m for m in body.meetings if aware_utc(m.starts_at) >= now - timedelta(hours=6)][:3] for body in bodies
    }
    return render_template(
        "campaigns/local_bodies.html",
        bodies=bodies,
        upcoming=upcoming,
        can_edit=services.can_edit_directory(current_user),
    )


@routes.route("/local-government/new", methods=["GET", "POST"])
@routes.route("/local-government/<int:body_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def edit_local_body(body_id: int | None = None):
    """Add or change a local body and its council meeting dates."""
    _require_directory_edit()
    body = None
    if body_id:
        body = db.session.scalar(
            select(LocalBody).where(LocalBody.id == body_id).options(selectinload(LocalBody.meetings))
        ) or abort(404)
    if request.method == "GET":
        form = LocalBodyForm(formdata=None, obj=body)
        if body is not None:
            while len(form.meetings):
                form.meetings.pop_entry()
            for meeting in body.meetings:
                form.meetings.append_entry(
                    {
                        "starts_at": services.utc_to_local(meeting.starts_at, _timezone()),
                        "title": meeting.title,
                        "place": meeting.place,
                    }
                )
        for _index in range(2):
            form.meetings.append_entry()
        return render_template("campaigns/local_body_edit.html", form=form, body=body)
    form = LocalBodyForm()
    if not form.validate_on_submit():
        return render_template("campaigns/local_body_edit.html", form=form, body=body)
    rows = [
        services.MeetingRow(
            starts_at=services.local_to_utc(row.starts_at.data, _timezone()),
            title=row.title.data,
            place=row.place.data,
        )
        for row in form.meetings
    ]
    data = {name: getattr(form, name).data for name in services.LOCAL_BODY_FIELDS}
    body = services.save_local_body(body, data, rows)
    commit()
    flash(_("%(name)s saved.", name=body.name), "success")
    return redirect(url_for("campaigns.local_bodies") + f"#body-{body.id}")
