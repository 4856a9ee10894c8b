"""Which meetings a person may see (organizer.auth.records)."""

from organizer.auth.models import Role
from organizer.meetings.models import Meeting, MeetingTemplate
from organizer.meetings.services import involves


def _meetings(user):
    """Organizers and leaders see every meeting; others the ones they are invited to or hold a role in."""
    return None if user.has_role(Role.ORGANIZER, Role.LEADER) else involves(user)


def _templates(_user):
    return None  # agenda templates hold no one's data


RECORD_SCOPES = {Meeting: _meetings, MeetingTemplate: _templates}
