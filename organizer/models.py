"""Every feature's models, imported in one place so the metadata is complete."""

from organizer.audit.models import AuditEvent  # noqa: F401
from organizer.auth.models import LoginAttempt, User  # noqa: F401
from organizer.core.models import Organization  # noqa: F401
