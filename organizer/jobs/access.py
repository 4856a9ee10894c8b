"""Which background jobs a person may see (organizer.auth.records): their results may hold personal data."""

from sqlalchemy import or_

from organizer.jobs import services
from organizer.jobs.models import Job


def _jobs(user):
    """The person who started it; besides them, the roles its kind names (administrators by default; nobody
    else for an import, which quotes its file)."""
    shared = sorted(name for name, kind in services.job_kinds().items() if user.role in kind.roles)
    if shared:
        return or_(Job.created_by_id == user.id, Job.kind.in_(shared))
    return Job.created_by_id == user.id


RECORD_SCOPES = {Job: _jobs}
