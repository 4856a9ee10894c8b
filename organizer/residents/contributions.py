"""What residents add elsewhere: their own history (added, edited, merged) on the resident page's timeline;
the check and the import of an uploaded file as background jobs; the record-level rule of the issue vocabulary
(everyone reads it). Who sees which resident, household and address is the turf rule, contributed by turfs."""

from organizer.kernel.contributions import Contribution
from organizer.residents import jobs
from organizer.residents.history import record_history
from organizer.residents.models import Issue


def _every_issue(_user):
    return None  # issue names are the organization's shared vocabulary


CONTRIBUTION = Contribution(
    timeline=[record_history],
    record_scopes={Issue: _every_issue},
    job_kinds=[jobs.CHECK_KIND, jobs.IMPORT_KIND],
)
