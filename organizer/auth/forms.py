"""Sign-in, invitation and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from organizer.auth.passwords import MAX_LENGTH, password_problem


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired()], render_kw={"autocomplete": "username"})
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Stay signed in on this device (14 days)"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class NewPasswordForm(FlaskForm):
    """Choose a password twice (invitation, change)."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Save the password"))

    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    """Change one's own password: the current one is asked first."""

    current = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )


class PreferencesForm(FlaskForm):
    """The account's language."""

    locale = SelectField(_l("Language"), choices=[("fr", "Français"), ("en", "English")])
    submit = SubmitField(_l("Save"))


class LogoutForm(FlaskForm):
    """Sign-out is a POST with a CSRF token, never a link."""

    submit = SubmitField(_l("Sign out"))


class ReauthForm(FlaskForm):
    """The password again, before a sensitive step."""

    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    next = HiddenField()
    submit = SubmitField(_l("Confirm"))
