"""What people read for the mail feature's codes."""

from flask_babel import lazy_gettext as _l

# organizer.mail.models.MAIL_STATES
STATE_LABELS = {"queued": _l("Waiting"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed")}
# The sending job's summary (organizer.mail.jobs).
SUMMARY_LABELS = {"sent": _l("Sent"), "retry": _l("To try again"), "failed": _l("Failed")}
JOB_LABEL = _l("Sending e-mail")
