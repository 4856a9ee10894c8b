"""Which background jobs a person may see (organizer.auth.records): their results may hold personal data."""

from sqlalchemy import or_

from organizer.auth.models import Role
from organizer.jobs.models import Job
from organizer.jobs.views import CREATOR_ONLY  # kinds only their author sees (an import quotes its file)


def _jobs(user):
    """The person who started it; an administrator too, except for creator-only kinds."""
    if user.role == Role.ADMIN:
        return or_(Job.created_by_id == user.id, Job.kind.not_in(sorted(CREATOR_ONLY) or [""]))
    return Job.created_by_id == user.id


RECORD_SCOPES = {Job: _jobs}
