"""Forms of the meetings pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

KIND_LABELS = {
    "information": _l("Information"),
    "discussion": _l("Discussion"),
    "decision": _l("Decision"),
}
RSVP_LABELS = {"invited": _l("Invited"), "yes": _l("Coming"), "maybe": _l("Maybe"), "no": _l("Not coming")}
ROLE_LABELS = {
    "chair": _l("Chair"),
    "facilitator": _l("Facilitator"),
    "note_taker": _l("Note-taker"),
    "timekeeper": _l("Timekeeper"),
}


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class MeetingForm(FlaskForm):
    """Create a meeting (blank or from a template) or change its details and roles."""

    template_id = SelectField(_l("Agenda"), coerce=_int_or_none, validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=2000)])
    day = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Planned length (minutes)"), default=90, validators=[InputRequired(), NumberRange(min=5, max=24 * 60)]
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    chair_id = SelectField(ROLE_LABELS["chair"], coerce=_int_or_none)
    facilitator_id = SelectField(ROLE_LABELS["facilitator"], coerce=_int_or_none)
    note_taker_id = SelectField(ROLE_LABELS["note_taker"], coerce=_int_or_none)
    timekeeper_id = SelectField(ROLE_LABELS["timekeeper"], coerce=_int_or_none)
    campaign_id = HiddenField(filters=[_int_or_none])
    action_id = HiddenField(filters=[_int_or_none])
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def set_user_choices(self, users) -> None:
        choices = [(None, "—")] + [(user.id, user.display_name) for user in users]
        for name in ("chair_id", "facilitator_id", "note_taker_id", "timekeeper_id"):
            getattr(self, name).choices = choices


class ItemForm(FlaskForm):
    """Add or change an agenda item."""

    title = StringField(_l("Item"), validators=[DataRequired(), Length(max=200)])
    minutes = IntegerField(_l("Duration (min)"), default=10, validators=[InputRequired(), NumberRange(min=0, max=600)])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()), default="discussion")
    lead_user_id = SelectField(_l("Lead"), coerce=_int_or_none)
    lead_text = StringField(_l("Or lead by name"), validators=[Optional(), Length(max=120)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    commitments_review = BooleanField(_l("Commitments review (lists due and open commitments)"))
    version = HiddenField()
    submit = SubmitField(_l("Save item"))

    def set_user_choices(self, users) -> None:
        self.lead_user_id.choices = [(None, "—")] + [(user.id, user.display_name) for user in users]


class MinutesForm(FlaskForm):
    """What was said and decided."""

    minutes = TextAreaField(_l("Meeting minutes"), validators=[Optional(), Length(max=50000)])
    decisions = TextAreaField(_l("Decisions"), validators=[Optional(), Length(max=20000)])
    version = HiddenField()
    submit = SubmitField(_l("Save minutes"))


class ActionItemForm(FlaskForm):
    """An action item of the minutes: who does what by when."""

    what = StringField(_l("What"), validators=[DataRequired(), Length(max=300)])
    who = SelectField(_l("Who"), validators=[DataRequired()])
    due_date = DateField(_l("By when"), validators=[Optional()])
    submit = SubmitField(_l("Add action item"))


class SaveTemplateForm(FlaskForm):
    """Keep this agenda as one of the organization's templates."""

    name = StringField(_l("Template name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Save as template"))


class SignInSheetForm(FlaskForm):
    """Options of the printed sign-in sheet (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    blank = IntegerField(_l("Blank lines"), default=15, validators=[Optional(), NumberRange(min=0, max=100)])


class PostForm(FlaskForm):
    """A bare POST with CSRF (move, delete, add or remove an attendee)."""
