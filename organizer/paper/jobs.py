"""Reading uploaded photos and scans in the background, with progress per image."""

from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from organizer.db import utcnow, write_intent
from organizer.extensions import db
from organizer.jobs import services as jobs
from organizer.jobs import views as job_views
from organizer.jobs.services import job_handler
from organizer.paper import services
from organizer.paper.models import PaperRead

KIND = "paper_read"
FOLDER = "paper"
jobs.JOB_FOLDERS.add(FOLDER)


def read_folder(read_id: int) -> Path:
    """Where a reading's uploads and crops live until its review is done."""
    return Path(current_app.instance_path) / FOLDER / str(read_id)


def crop_name(door) -> str:
    return f"crop-{door.household_id}-{door.token}.png"


@job_handler(KIND)
def read_sheets(job, progress):
    """Read the uploaded images; keep what was read (and the crops) for the organizer's review."""
    import cv2

    read = db.session.get(PaperRead, job.params["read_id"])
    folder = read_folder(read.id)
    files = [(path.name.split("-", 2)[-1], path.read_bytes()) for path in sorted(folder.glob("upload-*"))]
    progress.report(0, max(1, len(files)))
    outcome = services.read_files(files, crops=True, progress=lambda done, total: progress.report(done, total))
    doors = []
    # Doubtful doors first: they are the ones to look at.
    for door in sorted(outcome.doors, key=lambda d: (not d.doubtful, d.confidence)):
        item = door.as_json()
        item["image"] = door.image
        item["refusals"] = services.check_rows(door)
        if door.crop is not None:
            item["crop"] = crop_name(door)
            cv2.imwrite(str(folder / item["crop"]), door.crop)
        doors.append(item)
    findings = {"doors": doors, "problems": [[code, details] for code, details in outcome.problems]}
    db.session.commit()
    with write_intent():
        read = db.session.get(PaperRead, job.params["read_id"])
        read.findings, read.status = findings, "review"
        db.session.commit()
    summary = {
        "doors_read": len(doors),
        "doubtful": sum(1 for d in doors if d["doubtful"]),
        "problems": len(outcome.problems),
    }
    return summary, None, None, None


def _outcome(job) -> str | None:
    from flask import url_for

    if job.state != "done":
        return None
    link = url_for("paper.review", read_id=job.params["read_id"])
    text = _l("The sheets are read: check what was read, correct it, then save.")
    button = _l("Review the reading")
    template = Markup('<p role="status" id="job-message">{}</p><p><a class="button primary" href="{}">{}</a></p>')
    return template.format(text, link, button)


def finish(read: PaperRead) -> None:
    """The review is done (saved or dropped): the images and crops go, they hold personal data."""
    folder = read_folder(read.id)
    for path in folder.glob("*"):
        path.unlink(missing_ok=True)
    if folder.is_dir():
        folder.rmdir()
    read.status, read.finished_at = "done", utcnow()


job_views.JOB_LABELS[KIND] = _l("Reading filled walk sheets")
job_views.JOB_OUTCOMES[KIND] = _outcome
job_views.CREATOR_ONLY.add(KIND)
job_views.SUMMARY_LABELS.update(
    {"doors_read": _l("Doors read"), "doubtful": _l("Doubtful"), "problems": _l("Problems")}
)
