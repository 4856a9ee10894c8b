"""Which conversations and commitments a person may see (organizer.auth.records), on top of the door scope
(the doors of a canvasser's turfs, organizer.residents.services.door_scope)."""

from sqlalchemy import false, or_

from organizer.auth.models import Role
from organizer.conversations.models import Commitment, DoorKnock, HouseMeeting, OneOnOne
from organizer.residents.services import door_scope


def _talks(user) -> bool:
    return user.has_role(Role.ORGANIZER, Role.LEADER)


def _door_knocks(user):
    """Canvassers: their own knocks at the doors of their current turfs (as their list shows)."""
    if _talks(user):
        return None
    return (DoorKnock.canvasser_id == user.id) & DoorKnock.household_id.in_(door_scope(user))


def _organizers_only(user):
    """One-on-ones and house meetings are for organizers and leaders."""
    return None if _talks(user) else false()


def _commitments(user):
    """Canvassers: the commitments they follow up or made (as their follow-ups page shows)."""
    if _talks(user):
        return None
    return or_(Commitment.owner_id == user.id, Commitment.from_user_id == user.id)


RECORD_SCOPES = {
    DoorKnock: _door_knocks,
    OneOnOne: _organizers_only,
    HouseMeeting: _organizers_only,
    Commitment: _commitments,
}
