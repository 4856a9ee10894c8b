"""What mail adds elsewhere: the e-mail sent or waiting for a resident, in subject access and erasure.

Its background job (sending what is queued) still registers with organizer.jobs.services.job_handler
(organizer/mail/jobs.py), as every job kind on this queue does."""

from organizer.kernel.contributions import Contribution
from organizer.mail import privacy

CONTRIBUTION = Contribution(subject_sections=[privacy.mail_section], erasers=[privacy.forget_mail])
