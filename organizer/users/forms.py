"""Administrator forms for accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from organizer.auth.models import ROLE_LABELS, Role
from organizer.auth.services import find_user_by_email


def role_choices():
    """(value, label) pairs for every role, labels in the current language."""
    return [(role.value, ROLE_LABELS[role]) for role in Role]


class CreateUserForm(FlaskForm):
    """Invite someone: they choose their own password from the link."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices, default=Role.CANVASSER.value)
    submit = SubmitField(_l("Create and get the invitation link"))

    def validate_email(self, field):
        if find_user_by_email(field.data):
            raise ValidationError(_l("Someone already has access with this e-mail."))


class RoleForm(FlaskForm):
    """Change one user's role."""

    role = SelectField(_l("Role"), choices=role_choices)
    submit = SubmitField(_l("Change role"))


class UserActionForm(FlaskForm):
    """A bare POST with CSRF (deactivate, reactivate, new invitation)."""

    user_id = HiddenField()
    submit = SubmitField()
