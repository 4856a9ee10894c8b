"""Which background jobs a person may see (organizer.auth.records): their results may hold personal data."""

from sqlalchemy import or_

from organizer.auth.models import Role
from organizer.jobs.models import Job


def creator_only_kinds() -> set[str]:
    """Kinds only their author sees, not even an administrator (an import's report quotes the uploaded file)."""
    from organizer.jobs.views import CREATOR_ONLY  # the registry lives with the job pages

    return CREATOR_ONLY


def _jobs(user):
    """The person who started it; an administrator too, except for creator-only kinds."""
    if user.role == Role.ADMIN:
        return or_(Job.created_by_id == user.id, Job.kind.not_in(sorted(creator_only_kinds()) or [""]))
    return Job.created_by_id == user.id


RECORD_SCOPES = {Job: _jobs}
