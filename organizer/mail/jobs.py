"""The background job that sends queued e-mail (declared in contributions.py, run by the job queue's workers)."""

import time

from flask import current_app

from organizer.kernel.contributions import JobKind
from organizer.mail import labels
from organizer.mail.services import JOB_KIND, deliver_due


def send_queued_mail(job, progress):
    """Send what is due; messages that fail wait for their retry (the cron run or the next job).

    Each message is claimed and marked in its own short transaction (deliver_due), so the job's outcome is
    only its counts."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    # Go on while new mail keeps arriving (a burst of sign-ups): pages start no second job while this one runs.
    # Two empty passes a moment apart before stopping, so mail queued just now is not left for the next cron.
    idle = 0
    for _round in range(10_000):
        done = deliver_due()
        counts = {key: counts[key] + done[key] for key in counts}
        idle = 0 if any(done.values()) else idle + 1
        if idle >= 2 or (idle and current_app.config.get("JOBS_RUN_INLINE")):  # inline: the request waits
            break
        time.sleep(0.5 if idle else 0)
    return counts, None, None, None


SEND = JobKind(
    JOB_KIND,
    send_queued_mail,
    labels.JOB_LABEL,
    summary_labels=labels.SUMMARY_LABELS,
    roles=("admin",),
    # A confirmation is awaited by someone who just signed up: it goes before long batches (walk sheets).
    priority=1,
)
