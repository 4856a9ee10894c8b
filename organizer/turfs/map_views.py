"""Turf pages on a map: cut a turf by drawing (with its live preview), split one with a line, merge two,
and a turf's doors as JSON for any map (turf page, phone walk list). Mounted inside the turfs blueprint."""

import json

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from organizer.audit import services as audit
from organizer.auth.permissions import require_role
from organizer.conversations.forms import RESULT_LABELS
from organizer.extensions import db
from organizer.residents.models import Address
from organizer.turfs import mapping, route_map, services
from organizer.turfs.models import Turf

bp = Blueprint("map", __name__)

EVERYONE = ("organizer", "leader", "canvasser")
PLANNERS = ("organizer", "leader")
# A drawn polygon or line is a few hundred points at most; refuse anything absurd before parsing it.
MAX_SHAPE_CHARS = 200_000


@bp.app_template_global("route_map_svg")
def route_map_svg(doors):
    """The printed route map of these doors (used by the walk sheet's header)."""
    return route_map.route_svg(doors, width=210, height=115)


def _turf(turf_id: int) -> Turf:
    turf = services.visible_turf(current_user, turf_id)
    if turf is None:
        abort(404)
    return turf


def map_settings() -> dict:
    """What every map needs from the deployment: the tile template (may be empty) and its attribution."""
    return {
        "tiles": current_app.config.get("MAP_TILES") or "",
        "attribution": current_app.config.get("MAP_TILES_ATTRIBUTION") or "",
    }


def _ids(values) -> list[int]:
    """Integers from a list of strings or one comma-separated string; anything else is dropped."""
    if isinstance(values, str):
        values = values.split(",")
    out = []
    for value in values or []:
        text = str(value).strip()
        if text.isdigit():
            out.append(int(text))
    return out


def _shape(text) -> dict | None:
    """A GeoJSON object from a form field or a JSON body (None when empty); TurfError when unreadable."""
    if text in (None, "", {}):
        return None
    if isinstance(text, dict):
        return text
    if len(text) > MAX_SHAPE_CHARS:
        raise services.TurfError(_("The drawing is too large."))
    try:
        return json.loads(text)
    except ValueError as error:
        raise services.TurfError(_("The drawing could not be read: draw it again.")) from error


def _selection(data) -> dict:
    """The selection of the cutting page (a form or a JSON body): the polygon, whole streets, doors
    picked by hand, doors left out by hand."""
    streets = data.getlist("street") if hasattr(data, "getlist") else list(data.get("streets") or [])
    return {
        "polygon": _shape(data.get("polygon")),
        "address_ids": _ids(data.get("address_ids")),
        "streets": [str(street) for street in streets],
        "exclude_ids": _ids(data.get("exclude_ids")),
    }


@bp.route("/map")
@require_role(*PLANNERS)
def cut():
    """Cut a turf on the map (draw an area, click doors) or, by keyboard, by ticking streets."""
    streets = mapping.streets_by_commune()
    return render_template(
        "turfs/map_cut.html",
        streets=streets,
        communes=sorted({s["commune"] for s in streets if s["commune"]}),
        preview=None,
        form={},
        ticked=set(),
        **map_settings(),
    )


@bp.route("/map/doors.json")
@require_role(*PLANNERS)
def doors():
    """Every located address (no people), the turfs' names and the streets as lines, for the cutting map."""
    return jsonify(mapping.all_doors())


@bp.route("/map/preview", methods=["POST"])
@require_role(*PLANNERS)
def preview():
    """Live preview of a selection (JSON in and out, CSRF token in the X-CSRFToken header): doors,
    residents, do-not-knock doors, addresses already in other turfs. Changes nothing."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify({"error": _("Send the selection as JSON.")}), 400
    try:
        own = data.get("turf_id")
        result = mapping.preview_selection(**_selection(data), own_turf_id=own if isinstance(own, int) else None)
    except services.TurfError as error:
        return jsonify({"error": str(error)}), 422
    return jsonify(result.as_json())


@bp.route("/map/create", methods=["POST"])
@require_role(*PLANNERS)
def create():
    """Create the turf from the selection; "leave" keeps other turfs' doors where they are, "take" moves
    them. Without JavaScript the same form previews first (step=preview)."""
    form = request.form
    status = 200
    preview = None
    selection: dict = {}
    try:
        selection = _selection(form)
        ids = mapping.select_ids(**selection)
        if form.get("step") != "preview":
            turf = mapping.create_from_map(
                form.get("name", ""),
                ids,
                selection["polygon"],
                take=form.get("others") == "take",
                created_by_id=current_user.id,
                script=(form.get("script") or "").strip() or None,
            )
            doors = len(services.turf_doors(turf))
            audit.record("turf.create", turf, addresses=len(ids), via="map")
            db.session.commit()
            message = ngettext(
                "Turf %(name)s created with %(num)d door.",
                "Turf %(name)s created with %(num)d doors.",
                doors,
                name=turf.name,
            )
            flash(message, "success")
            return redirect(url_for("turfs.show", turf_id=turf.id))
    except services.OverlapError:
        db.session.rollback()
        flash(_("All these doors belong to other turfs: choose to take them, or draw elsewhere."), "error")
        status = 422
    except services.TurfError as error:
        db.session.rollback()
        flash(str(error), "error")
        status = 422
    if selection:
        preview = mapping.preview_selection(**selection)
    streets = mapping.streets_by_commune()
    return (
        render_template(
            "turfs/map_cut.html",
            streets=streets,
            communes=sorted({s["commune"] for s in streets if s["commune"]}),
            preview=preview,
            form=form,
            ticked=set(form.getlist("street")),
            **map_settings(),
        ),
        status,
    )


@bp.route("/<int:turf_id>/map.json")
@require_role(*EVERYONE)
def turf_data(turf_id: int):
    """A turf's doors in walking order with coordinates and last result, the route and the streets (no
    names of people): what the turf page's map and the phone's map draw."""
    turf = _turf(turf_id)
    data = mapping.turf_map_data(turf, rural=request.args.get("rural") == "1")
    data["legend"] = {code: str(label) for code, label in RESULT_LABELS.items()}
    return jsonify(data)


@bp.route("/<int:turf_id>/split", methods=["GET", "POST"])
@require_role(*PLANNERS)
def split(turf_id: int):
    """Split a turf in two with a line drawn across it, or by ticking the doors that go to the new turf."""
    turf = _turf(turf_id)
    doors = services.turf_doors(turf)
    status = 200
    if request.method == "POST":
        try:
            line = _shape(request.form.get("line"))
            new = mapping.split_turf(
                turf,
                request.form.get("name", ""),
                line=line,
                address_ids=_ids(request.form.getlist("address_ids")),
                created_by_id=current_user.id,
            )
            moved = db.session.scalar(select(func.count()).select_from(Address).where(Address.turf_id == new.id))
            audit.record("turf.split", turf, into=new.id, addresses=moved)
            db.session.commit()
            flash(_("Turf split: %(name)s now holds %(num)d addresses.", name=new.name, num=moved), "success")
            return redirect(url_for("turfs.show", turf_id=new.id))
        except services.TurfError as error:
            db.session.rollback()
            flash(str(error), "error")
            status = 422
            doors = services.turf_doors(_turf(turf_id))
    return (
        render_template(
            "turfs/map_split.html",
            turf=turf,
            doors=doors,
            address_line=services.address_line,
            form=request.form,
            **map_settings(),
        ),
        status,
    )


@bp.route("/<int:turf_id>/merge", methods=["POST"])
@require_role(*PLANNERS)
def merge(turf_id: int):
    """Merge another turf into this one (the other is deleted; its addresses and knocks stay)."""
    turf = _turf(turf_id)
    other_id = request.form.get("other", "")
    other = services.visible_turf(current_user, int(other_id)) if other_id.isdigit() else None
    if other is None:
        flash(_("Choose the turf to merge into this one."), "error")
        return redirect(url_for("turfs.show", turf_id=turf.id))
    try:
        name = other.name
        moved = mapping.merge_turfs(turf, other)
        audit.record("turf.merge", turf, merged=name, addresses=moved)
        db.session.commit()
        flash(_("%(other)s merged into %(name)s.", other=name, name=turf.name), "success")
    except services.TurfError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("turfs.show", turf_id=turf.id))
