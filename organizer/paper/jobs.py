"""Reading uploaded photos and scans in the background, with progress per image.

The uploads and the crops shown for review are job files (organizer.jobs.files: the database or the shared
folder, so any worker host reads them), named after their reading, until the review is done."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from organizer.db import utcnow, write_intent
from organizer.extensions import db
from organizer.jobs import files
from organizer.kernel.contributions import JobKind
from organizer.paper import services
from organizer.paper.models import PaperRead

KIND = "paper_read"
FOLDER = "paper"


def upload_name(read_id: int, index: int, kind: str) -> str:
    return f"{read_id}-upload-{index:03d}-image{index + 1}.{kind}"


def crop_name(read_id: int, door) -> str:
    return f"{read_id}-crop-{door.household_id}-{door.token}.png"


def picture_names(read: PaperRead) -> list[str]:
    """Every job file a reading keeps: its uploads, then the crops of its doors."""
    findings = read.findings or {}
    return [*findings.get("uploads", []), *(door["crop"] for door in findings.get("doors", []) if door.get("crop"))]


def read_sheets(job, progress):
    """Read the uploaded images; keep what was read (and the crops) for the organizer's review."""
    import cv2

    read = db.session.get(PaperRead, job.params["read_id"])
    read_id, uploads = read.id, list((read.findings or {}).get("uploads", []))
    # The image's own name for messages ("image1.jpg"), as the person sees it.
    images = [(name.split("-", 3)[-1], files.get(FOLDER, name) or b"") for name in uploads]
    progress.report(0, max(1, len(images)))
    outcome = services.read_files(images, crops=True, progress=lambda done, total: progress.report(done, total))
    doors, crops = [], {}
    # Doubtful doors first: they are the ones to look at.
    for door in sorted(outcome.doors, key=lambda d: (not d.doubtful, d.confidence)):
        item = door.as_json()
        item["image"] = door.image
        item["refusals"] = services.check_rows(door)
        if door.crop is not None:
            item["crop"] = crop_name(read_id, door)
            crops[item["crop"]] = cv2.imencode(".png", door.crop)[1].tobytes()
        doors.append(item)
    findings = {"doors": doors, "problems": [[code, details] for code, details in outcome.problems], "uploads": uploads}
    summary = {
        "doors_read": len(doors),
        "doubtful": sum(1 for d in doors if d["doubtful"]),
        "problems": len(outcome.problems),
    }
    db.session.commit()  # end the read before writing
    with write_intent():
        for name, data in crops.items():
            files.put(FOLDER, name, data)
        read = db.session.get(PaperRead, read_id)
        read.findings, read.status = findings, "review"
        progress.finish(summary)  # the findings, the crops and "done" in one commit
        db.session.commit()
    return summary, None, None, None


def outcome(job) -> str | None:
    if job.state != "done":
        return None
    link = url_for("paper.review", read_id=job.params["read_id"])
    text = _l("The sheets are read: check what was read, correct it, then save.")
    button = _l("Review the reading")
    template = Markup('<p role="status" id="job-message">{}</p><p><a class="button primary" href="{}">{}</a></p>')
    return template.format(text, link, button)


def finish(read: PaperRead) -> None:
    """The review is done (saved or dropped): the images and crops go, they hold personal data."""
    for name in picture_names(read):
        files.remove(FOLDER, name)
    read.status, read.finished_at = "done", utcnow()


PAPER_READ = JobKind(
    KIND,
    read_sheets,
    _l("Reading filled walk sheets"),
    summary_labels={"doors_read": _l("Doors read"), "doubtful": _l("Doubtful"), "problems": _l("Problems")},
    outcome=outcome,
    roles=(),  # only who uploaded the pictures: they show people's names
    folders=(FOLDER,),
)
