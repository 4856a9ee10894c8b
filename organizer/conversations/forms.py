"""Forms of the conversation pages: each follows the order of the conversation itself."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from organizer.conversations.labels import ANSWER_LABELS, EVIDENCE_LABELS, RESULT_LABELS, STATUS_LABELS
from organizer.residents.labels import CONSENT_LABELS, STAGE_LABELS
from organizer.residents.models import CONSENT_BASES, LEADERSHIP_STAGES


def optional_int(value):
    """ "" and None -> None; anything else -> int (bad input -> ValueError, shown as a field error)."""
    if value in (None, "", "None"):
        return None
    return int(value)


class ResidentField(SelectField):
    """A resident chosen through a search box; choices are filled by the view (see pickers.fill_pickers)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=optional_int, validate_choice=False, choices=[], **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a few choices (issues)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IssuesMixin:
    """Issues named: tick known ones, or type new ones separated by commas."""

    issue_ids = MultiCheckboxField(_l("Issues raised"), coerce=int, validate_choice=False)
    new_issues = StringField(_l("Other issues (separated by commas)"), validators=[Optional(), Length(max=400)])


class DoorKnockForm(IssuesMixin, FlaskForm):
    """One knock, entered by hand."""

    household_id = HiddenField()
    resident_id = ResidentField(_l("Who answered"))
    knocked_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])
    result = RadioField(
        _l("Result"), choices=list(RESULT_LABELS.items()), validators=[InputRequired(_l("Choose a result."))]
    )
    support_level = SelectField(
        _l("Support (1 = against, 5 = very supportive)"),
        choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=optional_int,
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    note_sensitive = BooleanField(_l("Sensitive note (organizers only)"))
    follow_up = BooleanField(_l("They want a follow-up"))
    submit = SubmitField(_l("Save the door knock"))


class OneOnOneForm(IssuesMixin, FlaskForm):
    """A relational meeting, in the order it happens: who, their story, what moves them, the ask."""

    version = HiddenField()
    resident_id = ResidentField(_l("With whom"), validators=[InputRequired(_l("Choose the resident."))])
    met_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    duration_minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(min=1, max=600)])
    referred_by_id = ResidentField(_l("Referred by"))
    story = TextAreaField(_l("Their story"), validators=[Optional(), Length(max=10000)])
    needs = TextAreaField(_l("Needs (self-interest)"), validators=[Optional(), Length(max=4000)])
    sources_of_meaning = TextAreaField(_l("Sources of meaning"), validators=[Optional(), Length(max=4000)])
    networks = TextAreaField(_l("Networks and talents"), validators=[Optional(), Length(max=4000)])
    energy = RadioField(
        _l("Energy (1 = low, 5 = high)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=optional_int,
        validators=[Optional()],
    )
    ask = TextAreaField(_l("The ask"), validators=[Optional(), Length(max=2000)])
    answer = RadioField(_l("Their answer"), choices=list(ANSWER_LABELS.items()), validators=[Optional()])
    answer_by = DateField(_l("Answer expected by"), validators=[Optional()])
    follow_up_on = DateField(_l("Follow up on"), validators=[Optional()])
    assessment = TextAreaField(_l("Assessment"), validators=[Optional(), Length(max=4000)])
    note_sensitive = BooleanField(_l("Sensitive story and notes (organizers only)"))
    submit = SubmitField(_l("Save the one-on-one"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.answer.data == "later" and not self.answer_by.data and not self.answer_by.errors:
            self.answer_by.errors = [*self.answer_by.errors, _l("Give the date by which they will answer.")]
            valid = False
        return valid

    def validate_energy(self, field):
        if field.data is not None and not 1 <= field.data <= 5:
            raise ValidationError(_l("Between 1 and 5."))


class AttendeeForm(Form):
    """One attendee line: an existing resident, or a new one with their consent."""

    resident_id = ResidentField(_l("Resident"))
    first_name = StringField(_l("First name"), validators=[Optional(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=100)])
    consent_basis = SelectField(
        _l("Consent basis"), choices=[("", "—")] + list(CONSENT_LABELS.items()), validators=[Optional()]
    )
    consent_method = StringField(_l("How consent was obtained"), validators=[Optional(), Length(max=200)])
    brought_by = SelectField(_l("Brought by"), choices=[], validate_choice=False, validators=[Optional()])
    new_host = BooleanField(_l("Will host a house meeting"))

    def validate_first_name(self, field):
        new = self.resident_id.data is None and (field.data or self.last_name.data)
        if not new:
            return
        if not (field.data or "").strip() or not (self.last_name.data or "").strip():
            raise ValidationError(_l("A new resident needs a first and a last name."))
        if self.consent_basis.data not in CONSENT_BASES or not (self.consent_method.data or "").strip():
            raise ValidationError(_l("Record the consent basis and how it was obtained."))


class HouseMeetingForm(IssuesMixin, FlaskForm):
    """A house meeting: the host, who came (and who brought them), what surfaced."""

    version = HiddenField()
    host_id = ResidentField(_l("Host"), validators=[InputRequired(_l("Choose the host."))])
    held_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])
    place = StringField(_l("Address or place"), validators=[Optional(), Length(max=200)])
    attendees = FieldList(FormField(AttendeeForm), min_entries=3)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)])
    note_sensitive = BooleanField(_l("Sensitive notes (organizers only)"))
    submit = SubmitField(_l("Save the house meeting"))


class CommitmentForm(FlaskForm):
    """A promise in either direction."""

    version = HiddenField()
    source_type = HiddenField()
    source_id = HiddenField()
    direction = RadioField(
        _l("Who promised"),
        choices=[("resident", _l("The resident promised")), ("us", _l("We promised"))],
        default="resident",
        validators=[InputRequired()],
    )
    resident_id = ResidentField(_l("Resident"), validators=[InputRequired(_l("Choose the resident."))])
    user_id = SelectField(_l("Organizer"), coerce=optional_int, choices=[], validators=[Optional()])
    what = StringField(_l("What"), validators=[DataRequired(), Length(max=300)])
    due_on = DateField(_l("Due by"), validators=[Optional()])
    owner_id = SelectField(_l("Who follows it up"), coerce=optional_int, choices=[], validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()), default="open")
    submit = SubmitField(_l("Save the commitment"))


class StatusForm(FlaskForm):
    """Mark a commitment done (or dropped, or open again) from a list."""

    status = HiddenField(validators=[DataRequired()])
    version = HiddenField()


class StageForm(FlaskForm):
    """A move on the ladder, with what justified it."""

    to_stage = SelectField(_l("New stage"), choices=[(s, STAGE_LABELS[s]) for s in LEADERSHIP_STAGES])
    evidence_kind = SelectField(_l("Evidence"), choices=list(EVIDENCE_LABELS.items()))
    evidence = TextAreaField(
        _l("What happened (date, who, how many)"),
        validators=[DataRequired(_l("Say what justifies this move.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Move on the ladder"))


class IssueForm(FlaskForm):
    """Add an issue to the vocabulary."""

    name = StringField(_l("Issue"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Add"))


class RenameIssueForm(FlaskForm):
    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Rename"))


class MergeIssuesForm(FlaskForm):
    """Fold one issue into another: every conversation tagged with the first gets the second."""

    source_id = SelectField(_l("Merge this issue"), coerce=int, choices=[])
    target_id = SelectField(_l("into this one"), coerce=int, choices=[])
    submit = SubmitField(_l("Merge"))

    def validate_target_id(self, field):
        if field.data == self.source_id.data:
            raise ValidationError(_l("Choose two different issues."))
