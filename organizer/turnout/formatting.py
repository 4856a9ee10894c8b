"""How an event's time is written for people: the day in full, the time without seconds."""

from datetime import datetime

from flask_babel import format_date, format_time
from flask_babel import gettext as _


def event_when(moment: datetime | None) -> str:
    """ "samedi 5 décembre 2026 à 15:30" in the current language and the organization's timezone."""
    if moment is None:
        return ""
    return _("%(date)s at %(time)s", date=format_date(moment, "full"), time=format_time(moment, "short"))
