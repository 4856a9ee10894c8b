"""Door knocks logged from the web form."""

from datetime import UTC, date, datetime, time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from organizer.auth import records
from organizer.auth.models import Role
from organizer.auth.permissions import require_role
from organizer.conversations import services
from organizer.conversations.forms import DoorKnockForm
from organizer.conversations.views_common import _fill_issues, _issues, _looking_up, fill_pickers
from organizer.extensions import db
from organizer.kernel.routes import Routes
from organizer.kernel.time import local_today
from organizer.kernel.unit_of_work import commit
from organizer.params import int_arg, parse_int
from organizer.residents.models import Household, Resident
from organizer.residents.services import with_address

routes = Routes()


# --- Door knocks -----------------------------------------------------------------------------------------


@routes.route("/door-knocks/new", methods=["GET", "POST"])
@require_role(Role.ORGANIZER, Role.LEADER, Role.CANVASSER)
def new_door_knock():
    """Log a door knock by hand (for a household, or through the resident who answered)."""
    form = DoorKnockForm()
    if request.method == "GET":
        form.household_id.data = int_arg("household")
        form.resident_id.data = int_arg("resident")
    # A door or a person named by the request is shown only within the viewer's scope (404 otherwise).
    resident_id = parse_int(form.resident_id.data, "resident")
    resident = records.load(Resident, resident_id) if resident_id else None
    fill_pickers(form)
    _fill_issues(form)
    household_id = parse_int(form.household_id.data, "household") or (resident.household_id if resident else None)
    household = records.load(Household, household_id, selectinload(Household.address)) if household_id else None
    if household is not None:
        behind_the_door = db.session.scalars(
            records.visible(Resident)
            .where(Resident.household_id == household.id)
            .order_by(Resident.name_key)
            .options(with_address())
        )
        known = {value for value, _label in form.resident_id.choices}
        form.resident_id.choices += [(r.id, services.resident_label(r)) for r in behind_the_door if r.id not in known]
    if not _looking_up() and form.validate_on_submit():
        if household is None:
            form.resident_id.errors.append(_("Choose a resident whose address is known, or start from a door."))
        else:
            try:
                services.log_door_knock(
                    household_id=household.id,
                    canvasser=current_user,
                    resident_id=resident.id if resident and resident.household_id == household.id else None,
                    knocked_at=_as_datetime(form.knocked_on.data),
                    result=form.result.data,
                    support_level=form.support_level.data,
                    issues=_issues(form),
                    note=form.note.data,
                    note_sensitive=form.note_sensitive.data,
                    follow_up=form.follow_up.data,
                )
            except services.ConversationError:
                db.session.rollback()
                flash(_("This door is not in a turf assigned to you."), "error")
                return render_template("conversations/door_knock_form.html", form=form, household=household), 403
            commit()
            flash(_("Door knock saved."), "success")
            return redirect(url_for("conversations.index", kind="door"))
    return render_template("conversations/door_knock_form.html", form=form, household=household)


def _as_datetime(day: date) -> datetime:
    """A day entered on a form, at noon UTC (or now, when it is today)."""
    if day == local_today():
        return datetime.now(UTC)
    return datetime.combine(day, time(12, 0), tzinfo=UTC)
