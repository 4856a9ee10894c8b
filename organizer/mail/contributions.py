"""What mail adds elsewhere: the background job that sends queued e-mail, and the e-mail sent or waiting for a
resident in subject access and erasure."""

from organizer.kernel.contributions import Contribution
from organizer.mail import jobs, privacy

CONTRIBUTION = Contribution(
    job_kinds=[jobs.SEND],
    subject_sections=[privacy.mail_section],
    erasers=[privacy.forget_mail],
)
