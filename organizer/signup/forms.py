"""The public sign-up form: few fields, each bounded, plus a honeypot."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from organizer.residents.normalize import phone_e164

MAX_PARTY = 20


class SignupForm(FlaskForm):
    """Name, a way to reach them, how many, consent. `website` is hidden from people: bots fill it."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254), Email(check_deliverability=False)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=30)])
    party_size = IntegerField(
        _l("How many people, you included?"), default=1, validators=[DataRequired(), NumberRange(1, MAX_PARTY)]
    )
    consent = BooleanField(validators=[DataRequired(_l("Please tick the box: we need your agreement."))])
    website = StringField(validators=[Optional(), Length(max=200)])

    def validate_phone(self, field):
        """A French or international number, stored as E.164."""
        if field.data and not phone_e164(field.data):
            raise ValidationError(_l("This does not look like a phone number."))

    def validate(self, extra_validators=None) -> bool:
        """Also: an e-mail or a phone, so we can remind them."""
        ok = super().validate(extra_validators)
        if not (self.email.data or "").strip() and not (self.phone.data or "").strip():
            self.email.errors = [*self.email.errors, _l("Give an e-mail or a phone number (or both).")]
            return False
        return ok


class ConfirmForm(FlaskForm):
    """A button that confirms a token link (cancel, unsubscribe): the change happens on POST only."""


class PublishForm(FlaskForm):
    """Publish or take down an action's public page."""
