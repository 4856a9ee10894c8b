"""Forms for residents: create/edit, bulk tagging, merging, importing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from organizer.residents.labels import CONSENT_LABELS, STAGE_LABELS
from organizer.residents.normalize import phone_e164


def _phone(form, field):
    if field.data and field.data.strip() and not phone_e164(field.data):
        raise ValidationError(_l("Not a phone number we can read (e.g. 06 12 34 56 78 or +33 6 12 34 56 78)."))


class ResidentForm(FlaskForm):
    """Everything one knows about a resident, and where they live."""

    version = HiddenField()
    first_name = StringField(_l("First name"), validators=[Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    preferred_name = StringField(_l("Preferred name"), validators=[Optional(), Length(max=100)])
    birth_name = StringField(_l("Birth name"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), _phone])
    phone_alt = StringField(_l("Other phone"), validators=[Optional(), Length(max=30), _phone])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    languages = StringField(_l("Languages"), validators=[Optional(), Length(max=80)])
    birth_date = DateField(_l("Birth date"), validators=[Optional()])
    number = StringField(_l("Number"), validators=[Optional(), Length(max=20)])
    street = StringField(_l("Street"), validators=[Optional(), Length(max=200)])
    building = StringField(_l("Building"), validators=[Optional(), Length(max=40)])
    staircase = StringField(_l("Staircase"), validators=[Optional(), Length(max=20)])
    floor = StringField(_l("Floor"), validators=[Optional(), Length(max=20)])
    door = StringField(_l("Door"), validators=[Optional(), Length(max=20)])
    access_notes = StringField(_l("Door code and entry notes"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)])
    issues = SelectMultipleField(_l("Issues they care about"), coerce=int, validators=[Optional()])
    support_level = SelectField(_l("Support level"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    leadership_stage = SelectField(_l("Leadership stage"), choices=list(STAGE_LABELS.items()))
    self_interest = TextAreaField(_l("Self-interest"), validators=[Optional(), Length(max=5000)])
    point_person_id = SelectField(_l("Point person"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    data_source = StringField(_l("Data source"), validators=[DataRequired(), Length(max=200)])
    # Required for a new resident (validate_* below), not on edits of older records that lack them.
    consent_basis = SelectField(_l("Legal basis"), validate_choice=False)
    purpose = StringField(_l("Purpose of the data"), validators=[Length(max=200)])
    consent_date = DateField(_l("Consent date"), validators=[Optional()])
    consent_method = StringField(_l("How consent was obtained"), validators=[Optional(), Length(max=200)])
    quote_consent = BooleanField(_l("Agrees to be quoted anonymously"))
    do_not_contact = BooleanField(_l("Do not contact"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    note_sensitive = BooleanField(_l("This note is sensitive (organizers only)"))
    # Ticked after the form warned about look-alikes: the person checked and it is someone else.
    not_a_duplicate = BooleanField(_l("I checked: this is a different person, save anyway"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, issue_choices=(), user_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.issues.choices = list(issue_choices)
        self.point_person_id.choices = [("", "—"), *user_choices]
        self.support_level.choices = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]
        self.consent_basis.choices = [("", "—"), *CONSENT_LABELS.items()]

    def validate_consent_basis(self, field):
        if field.data and field.data not in CONSENT_LABELS:
            raise ValidationError(_l("Not a valid choice."))
        if not self.version.data and not field.data:  # a new resident: say on what basis they are recorded
            raise ValidationError(_l("Say on what legal basis this person is recorded."))

    def validate_purpose(self, field):
        if not self.version.data and not (field.data or "").strip():
            raise ValidationError(_l("Say what this person's data is kept for."))

    def validate_street(self, field):
        if (self.number.data or "").strip() and not (field.data or "").strip():
            raise ValidationError(_l("A number needs a street."))


class BulkTagForm(FlaskForm):
    """Add or remove one tag on the residents ticked in the list."""

    tag = StringField(_l("Tag"), validators=[DataRequired(), Length(max=60)])
    action = SelectField(_l("Action"), choices=[("add", _l("Add the tag")), ("remove", _l("Remove the tag"))])
    submit = SubmitField(_l("Apply to selected"))


class MergeForm(FlaskForm):
    """Keep one resident, fold the other into them."""

    keep_id = IntegerField(validators=[DataRequired(), NumberRange(min=1)])
    other_id = IntegerField(validators=[DataRequired(), NumberRange(min=1)])


class ImportUploadForm(FlaskForm):
    """Step 1 of an import: the file and its format."""

    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired()])
    format = SelectField(_l("Format"), default="auto")
    submit = SubmitField(_l("Upload and check"))


class ImportConfirmForm(FlaskForm):
    """Last step: the data source to record, then write."""

    source = StringField(_l("Data source recorded on each resident"), validators=[DataRequired(), Length(max=200)])
    basis = SelectField(_l("Legal basis"), choices=list(CONSENT_LABELS.items()), validate_choice=False)
    purpose = StringField(_l("Purpose of the data"), validators=[Optional(), Length(max=200)])
    skip_invalid = BooleanField(_l("Import the valid rows and skip the others"))
    submit = SubmitField(_l("Import"))
