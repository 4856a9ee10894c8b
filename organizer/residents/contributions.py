"""What residents add elsewhere: their own history (added, edited, merged) on the resident page's timeline;
the check and the import of an uploaded file as background jobs."""

from organizer.kernel.contributions import Contribution
from organizer.residents import jobs
from organizer.residents.history import record_history

CONTRIBUTION = Contribution(timeline=[record_history], job_kinds=[jobs.CHECK_KIND, jobs.IMPORT_KIND])
