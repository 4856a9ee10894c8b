"""Every feature's models, imported in one place so the metadata is complete."""

from organizer.audit.models import AuditEvent  # noqa: F401
from organizer.auth.models import LoginAttempt, User  # noqa: F401
from organizer.conversations.models import DoorKnock, Issue  # noqa: F401
from organizer.core.models import Organization  # noqa: F401
from organizer.residents.models import Address, Household, Resident, Tag  # noqa: F401
from organizer.turfs.models import Turf, TurfAssignment  # noqa: F401
