"""Forms of the campaigns feature: strategy chart, directory, actions, evaluation, check-in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from organizer.campaigns.models import (
    ACTION_KINDS,
    ACTOR_KINDS,
    ACTOR_ROLES,
    CAMPAIGN_STATUSES,
    DEMAND_ANSWERS,
    LOCAL_BODY_LEVELS,
    STAKEHOLDER_KINDS,
    STANCES,
)
from organizer.residents.normalize import phone_e164

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def optional_int(value):
    """Coerce a select's value to int, '' (nothing chosen) to None."""
    if value in ("", None, "None"):
        return None
    return int(value)


def _choices(labels: dict) -> list[tuple]:
    return [(key, label) for key, label in labels.items()]


def influence_choices():
    return [(level, str(level)) for level in range(5, 0, -1)]


def stance_choices():
    return [(value, f"{value:+d} · {label}" if value else f"0 · {label}") for value, label in STANCES.items()]


class StakeholderForm(Form):
    """One row of constituents, allies and opponents (a row without 'who' is dropped)."""

    kind = SelectField(_l("Column"), choices=_choices(STAKEHOLDER_KINDS))
    who = StringField(_l("Who"), validators=[Optional(), Length(max=200)])
    whose_problem = TextAreaField(_l("Whose problem is it?"), validators=[Optional(), Length(max=2000)])
    gain_or_risk = TextAreaField(_l("What they gain or risk"), validators=[Optional(), Length(max=2000)])
    power = TextAreaField(_l("Their power over the target"), validators=[Optional(), Length(max=2000)])


class CampaignForm(FlaskForm):
    """The strategy chart."""

    version = HiddenField()
    name = StringField(_l("Campaign name"), validators=[DataRequired(), Length(max=200)])
    status = SelectField(_l("Status"), choices=_choices(CAMPAIGN_STATUSES), default="research")
    summary = TextAreaField(_l("The issue in a few words"), validators=[Optional(), Length(max=4000)])
    long_term_goals = TextAreaField(_l("Long-term goals"), validators=[Optional(), Length(max=4000)])
    intermediate_goals = TextAreaField(_l("Intermediate goals"), validators=[Optional(), Length(max=4000)])
    short_term_goals = TextAreaField(_l("Short-term goals"), validators=[Optional(), Length(max=4000)])
    win_definition = TextAreaField(_l("What counts as a win"), validators=[Optional(), Length(max=4000)])
    resources = TextAreaField(_l("Resources we bring"), validators=[Optional(), Length(max=4000)])
    gain_members = TextAreaField(_l("Members to gain"), validators=[Optional(), Length(max=2000)])
    gain_leaders = TextAreaField(_l("Leaders to develop"), validators=[Optional(), Length(max=2000)])
    gain_money = TextAreaField(_l("Money to raise"), validators=[Optional(), Length(max=2000)])
    internal_problems = TextAreaField(_l("Internal problems to solve"), validators=[Optional(), Length(max=4000)])
    tactics = TextAreaField(_l("Tactics"), validators=[Optional(), Length(max=4000)])
    primary_target = SelectField(_l("Primary target"), coerce=optional_int, validate_choice=True)
    secondary_targets = SelectMultipleField(_l("Secondary targets"), coerce=int)
    lead = SelectField(_l("Campaign lead"), coerce=optional_int)
    team = SelectMultipleField(_l("Team"), coerce=int)
    issues = SelectMultipleField(_l("Issues it answers"), coerce=int)
    stakeholders = FieldList(FormField(StakeholderForm), min_entries=0, max_entries=60)
    submit = SubmitField(_l("Save the strategy chart"))

    def set_choices(self, actors, users, issues) -> None:
        actor_list = [(actor.id, actor.name) for actor in actors]
        self.primary_target.choices = [("", _l("— none yet —"))] + actor_list
        self.secondary_targets.choices = actor_list
        self.lead.choices = [("", _l("— nobody —"))] + [(user.id, user.display_name) for user in users]
        self.team.choices = [(user.id, user.display_name) for user in users]
        self.issues.choices = [(issue.id, issue.name) for issue in issues]

    def pad_stakeholders(self, blank_rows: int = 3) -> None:
        """Blank rows to type new constituents, allies or opponents into."""
        for kind in ("constituent", "ally", "opponent")[:blank_rows]:
            self.stakeholders.append_entry({"kind": kind})


class PlaceActorForm(FlaskForm):
    """Put an actor on the power map, or move it."""

    actor = SelectField(_l("Actor"), coerce=optional_int, validators=[InputRequired()])
    role = SelectField(_l("Place in the campaign"), choices=_choices(ACTOR_ROLES), default="other")
    influence = SelectField(_l("Influence over the target"), coerce=int, choices=influence_choices, default=3)
    stance = SelectField(_l("Stance"), coerce=int, choices=stance_choices, default=0)
    submit = SubmitField(_l("Place on the power map"))


class ActorForm(FlaskForm):
    """A person or a body in the directory."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices(ACTOR_KINDS), default="person")
    role_title = StringField(_l("Role or title"), validators=[Optional(), Length(max=200)])
    local_body_id = SelectField(_l("Local body"), coerce=optional_int)
    influence = SelectField(_l("Usual influence (1-5)"), coerce=int, choices=influence_choices, default=3)
    stance = SelectField(_l("Usual stance (-2 to +2)"), coerce=int, choices=stance_choices, default=0)
    relationship_note = TextAreaField(_l("Our relationship"), validators=[Optional(), Length(max=4000)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    contact = TextAreaField(_l("Other contact details"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class MeetingForm(Form):
    """A council meeting date."""

    starts_at = DateTimeLocalField(_l("Date and time"), format=DATETIME_FORMAT, validators=[Optional()])
    title = StringField(_l("Meeting"), validators=[Optional(), Length(max=200)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])


class LocalBodyForm(FlaskForm):
    """A commune, intercommunalité, département or région."""

    level = SelectField(_l("Level"), choices=_choices(LOCAL_BODY_LEVELS))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("INSEE or SIREN code"), validators=[Optional(), Length(max=14)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    services = TextAreaField(_l("Services (one per line)"), validators=[Optional(), Length(max=4000)])
    meetings = FieldList(FormField(MeetingForm), min_entries=0, max_entries=60)
    submit = SubmitField(_l("Save"))

    def validate_code(self, field):
        if field.data and not field.data.strip().replace(" ", "").isalnum():
            raise ValidationError(_l("A code has only digits and letters (2A, 2B)."))


class DemandForm(Form):
    """A demand and the target's answer (a row without text is dropped)."""

    text = TextAreaField(_l("Demand"), validators=[Optional(), Length(max=2000)])
    answer = SelectField(_l("Answer"), choices=_choices(DEMAND_ANSWERS), default="no_answer")
    answer_note = StringField(_l("What they said"), validators=[Optional(), Length(max=2000)])


class ActionForm(FlaskForm):
    """An action of a campaign."""

    version = HiddenField()
    kind = SelectField(_l("Type"), choices=_choices(ACTION_KINDS))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMAT, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    target_actor_id = SelectField(_l("Target"), coerce=optional_int)
    turnout_goal = IntegerField(_l("Turnout goal"), validators=[Optional(), NumberRange(min=0, max=100000)])
    description = TextAreaField(_l("Plan and roles"), validators=[Optional(), Length(max=4000)])
    demands = FieldList(FormField(DemandForm), min_entries=0, max_entries=30)
    submit = SubmitField(_l("Save the action"))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must come after the start."))


class EvaluationForm(FlaskForm):
    """The debrief after an action (power map moves are read from the same POST)."""

    eval_worked = TextAreaField(_l("What worked"), validators=[Optional(), Length(max=4000)])
    eval_did_not_work = TextAreaField(_l("What did not work"), validators=[Optional(), Length(max=4000)])
    commitments_won = TextAreaField(_l("Commitments won"), validators=[Optional(), Length(max=4000)])
    lessons = TextAreaField(_l("Lessons"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save the evaluation"))


class WalkInForm(FlaskForm):
    """Someone who came without being on the list."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=30)])
    consent = BooleanField(
        _l("They agree that we keep their name to keep them informed"),
        validators=[DataRequired(_l("Without their consent, count them but do not write their name."))],
    )
    submit = SubmitField(_l("Check in"))

    def validate_phone(self, field):
        if field.data and phone_e164(field.data) is None:
            raise ValidationError(_l("This does not look like a phone number."))


class RsvpForm(FlaskForm):
    """Invite or check in a known resident."""

    resident_id = HiddenField(validators=[DataRequired()])


class ButtonForm(FlaskForm):
    """A bare POST with CSRF."""

    submit = SubmitField()
