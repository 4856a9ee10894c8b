"""Confirmations for objection and erasure."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class ObjectionForm(FlaskForm):
    """The person objects to being contacted."""

    submit = SubmitField(_l("Record the objection (do not contact)"))


class ErasureForm(FlaskForm):
    """Erasure is final: the operator types the word shown to confirm."""

    confirmation = StringField(_l("Type ERASE to confirm"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Erase this person"))


class PurgeForm(FlaskForm):
    """Erase every resident past the retention period."""

    submit = SubmitField(_l("Erase them now"))
