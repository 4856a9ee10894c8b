"""What paper reading adds elsewhere: the readings waiting for review on the dashboard, its background job
(reading uploaded photos and scans; the job queue still registers it with jobs.services.job_handler until it
reads job_kinds), and its part of subject rights (readings waiting for review name people and keep pictures
of their doors)."""

from flask_babel import lazy_gettext as _l

from organizer.kernel.contributions import Contribution, JobKind
from organizer.paper import dashboard, jobs, privacy

CONTRIBUTION = Contribution(
    panels=dashboard.PANELS,
    subject_sections=[privacy.paper_reads_section],
    erasers=[privacy.erase_paper_reads],
    job_kinds=[
        JobKind(
            jobs.KIND,
            jobs.read_sheets,
            _l("Reading filled walk sheets"),
            roles=(),  # only who uploaded the pictures: they show people's names
            folders=(jobs.FOLDER,),
        )
    ],
)
