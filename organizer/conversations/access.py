"""Which conversations and commitments a person may see (organizer.auth.records), on top of the turf rule."""

from sqlalchemy import false, or_

from organizer.auth.models import Role
from organizer.conversations.models import Commitment, DoorKnock, HouseMeeting, Issue, OneOnOne
from organizer.turfs.access import assigned_household_ids


def _talks(user) -> bool:
    return user.has_role(Role.ORGANIZER, Role.LEADER)


def _door_knocks(user):
    """Canvassers: their own knocks at the doors of their current turfs (as their list shows)."""
    if _talks(user):
        return None
    return (DoorKnock.canvasser_id == user.id) & DoorKnock.household_id.in_(assigned_household_ids(user))


def _organizers_only(user):
    """One-on-ones and house meetings are for organizers and leaders."""
    return None if _talks(user) else false()


def _commitments(user):
    """Canvassers: the commitments they follow up or made (as their follow-ups page shows)."""
    if _talks(user):
        return None
    return or_(Commitment.owner_id == user.id, Commitment.from_user_id == user.id)


def _issues(_user):
    return None  # issue names are the organization's shared vocabulary


RECORD_SCOPES = {
    DoorKnock: _door_knocks,
    OneOnOne: _organizers_only,
    HouseMeeting: _organizers_only,
    Commitment: _commitments,
    Issue: _issues,
}
