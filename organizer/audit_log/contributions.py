"""What the audit pages add elsewhere: the audit log's CSV export, a background job."""

from organizer.audit_log import jobs
from organizer.kernel.contributions import Contribution

CONTRIBUTION = Contribution(job_kinds=[jobs.EXPORT])
