"""The background job that sends queued e-mail."""

from organizer.jobs.services import job_handler
from organizer.mail.services import JOB_KIND, deliver_due


@job_handler(JOB_KIND)
def send_queued_mail(job, progress):
    """Send what is due; messages that fail wait for their retry (the cron run or the next job)."""
    counts = deliver_due()
    return counts, None, None, None
