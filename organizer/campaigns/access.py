"""Campaigns and their actions are the organization's public plan: every signed-in role reads them
(organizer.auth.records); who may change them is organizer.campaigns.services.can_edit."""

from organizer.campaigns.models import Action, Actor, CalendarToken, Campaign, LocalBody


def _everyone(_user):
    return None


def _own_tokens(user):
    return CalendarToken.user_id == user.id


RECORD_SCOPES = {
    Campaign: _everyone,
    Action: _everyone,
    Actor: _everyone,
    LocalBody: _everyone,
    CalendarToken: _own_tokens,
}
