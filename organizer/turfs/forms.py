"""Forms of the turf pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

SIDE_CHOICES = [("both", _l("Both sides")), ("odd", _l("Odd numbers")), ("even", _l("Even numbers"))]


class CutForm(FlaskForm):
    """Cut a new turf: any combination of streets + range + side, area, polygon; then tick by hand."""

    name = StringField(_l("Name of the turf"), validators=[DataRequired(), Length(max=120)])
    streets = SelectMultipleField(_l("Streets"), choices=[], validate_choice=False)
    side = SelectField(_l("Side"), choices=SIDE_CHOICES, default="both")
    number_from = IntegerField(_l("From number"), validators=[Optional(), NumberRange(min=0)])
    number_to = IntegerField(_l("To number"), validators=[Optional(), NumberRange(min=0)])
    area = SelectField(_l("Area (ward, polling station...)"), choices=[], validate_choice=False)
    polygon = FileField(
        _l("Polygon (GeoJSON file)"), validators=[FileAllowed(["geojson", "json"], _l("A GeoJSON file."))]
    )
    # The polygon of a previous step, kept while the form goes back and forth.
    polygon_json = HiddenField()
    script = TextAreaField(_l("Script and questions (printed on the sheet)"), validators=[Optional(), Length(max=4000)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if (
            self.number_from.data is not None
            and self.number_to.data is not None
            and self.number_from.data > self.number_to.data
        ):
            self.number_to.errors = [*self.number_to.errors, _l("The last number is lower than the first.")]
            ok = False
        return ok


class AssignForm(FlaskForm):
    """Give the turf to someone until a date."""

    user_id = SelectField(_l("Person"), coerce=int, choices=[])
    until = DateField(_l("Until"), validators=[DataRequired()])


class EditForm(FlaskForm):
    """Rename, describe, and set the script."""

    name = StringField(_l("Name of the turf"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    script = TextAreaField(_l("Script and questions (printed on the sheet)"), validators=[Optional(), Length(max=4000)])
    # Country roads: doors by number along the road, both sides together (sheet, phone and grid alike).
    rural = BooleanField(_l("Rural order (by number along each road)"))
