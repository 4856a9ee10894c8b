"""Administrators manage who has access, with which role."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from organizer.auth import services
from organizer.auth.matrix import RECORD_RULES, permission_matrix
from organizer.auth.models import ROLE_LABELS, Role, User
from organizer.auth.permissions import require_role
from organizer.extensions import db
from organizer.kernel.unit_of_work import commit
from organizer.users.forms import CreateUserForm, RoleForm, UserActionForm

bp = Blueprint("users", __name__)
URL_PREFIX = "/admin/users"
NAVIGATION = [("users.index", _l("People with access"), (Role.ADMIN,), 90)]


def _get_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _invitation_url(token: str) -> str:
    return url_for("auth.accept_invitation", token=token, _external=True)


@bp.route("/", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def index():
    """List accounts and invite a new one."""
    form = CreateUserForm()
    invitation_url = None
    if form.validate_on_submit():
        user, token = services.create_user(
            form.email.data, form.display_name.data, form.role.data, created_by=current_user
        )
        commit()
        flash(
            _("%(name)s can now join: hand them the invitation link below.", name=user.display_name),
            "success",
        )
        invitation_url = _invitation_url(token)
        form = CreateUserForm(formdata=None)
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.display_name)).all()
    return render_template(
        "users/index.html",
        users=users,
        form=form,
        invitation_url=invitation_url,
        role_form=RoleForm,
        action_form=UserActionForm(),
    )


@bp.route("/<int:user_id>/role", methods=["POST"])
@require_role(Role.ADMIN)
def change_role(user_id: int):
    """Give a user another role (the last active administrator keeps theirs)."""
    user = _get_user(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "error")
    elif user.role == Role.ADMIN and form.role.data != Role.ADMIN and services.count_active_admins() <= 1:
        flash(_("The last administrator cannot lose that role."), "error")
    else:
        services.change_role(user, form.role.data)
        commit()
        flash(_("%(name)s is now: %(role)s.", name=user.display_name, role=user.role_label), "success")
    return redirect(url_for("users.index"))


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@require_role(Role.ADMIN)
def deactivate(user_id: int):
    """Remove access at once; the account and its history stay."""
    user = _get_user(user_id)
    if not UserActionForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        services.set_active(user, False)
        commit()
        flash(_("%(name)s no longer has access.", name=user.display_name), "success")
    return redirect(url_for("users.index"))


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@require_role(Role.ADMIN)
def reactivate(user_id: int):
    """Give access back."""
    user = _get_user(user_id)
    if not UserActionForm().validate_on_submit():
        abort(400)
    services.set_active(user, True)
    commit()
    flash(_("%(name)s has access again.", name=user.display_name), "success")
    return redirect(url_for("users.index"))


@bp.route("/<int:user_id>/invitation", methods=["POST"])
@require_role(Role.ADMIN)
def new_invitation(user_id: int):
    """A fresh invitation link (the old one stops working), e.g. for a forgotten password."""
    user = _get_user(user_id)
    if not UserActionForm().validate_on_submit():
        abort(400)
    token = services.issue_invitation(user)
    commit()
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.display_name)).all()
    flash(_("New link for %(name)s: it replaces any earlier one.", name=user.display_name), "success")
    return render_template(
        "users/index.html",
        users=users,
        form=CreateUserForm(formdata=None),
        invitation_url=_invitation_url(token),
        role_form=RoleForm,
        action_form=UserActionForm(),
    )


@bp.route("/permissions")
@require_role(Role.ADMIN)
def permissions():
    """Who can open which page, read off the rules the views enforce, and the record-level rules."""
    return render_template(
        "users/permissions.html",
        rows=permission_matrix(current_app),
        roles=list(Role),
        role_labels=ROLE_LABELS,
        record_rules=RECORD_RULES,
    )
