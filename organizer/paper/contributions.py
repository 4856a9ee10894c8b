"""What paper reading adds elsewhere: the readings waiting for review on the dashboard, its background job
(reading uploaded photos and scans), and its part of subject rights (readings waiting for review name people
and keep pictures of their doors)."""

from organizer.kernel.contributions import Contribution
from organizer.paper import dashboard, jobs, privacy

CONTRIBUTION = Contribution(
    panels=dashboard.PANELS,
    subject_sections=[privacy.paper_reads_section],
    erasers=[privacy.erase_paper_reads],
    job_kinds=[jobs.PAPER_READ],
)
