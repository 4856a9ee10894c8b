"""What paper reading holds about a person: the readings of filled sheets still waiting for review name them
(who they are, what was ticked), and the pictures of their door stay among the job files until the review
is done."""

from sqlalchemy import select

from organizer.extensions import db
from organizer.jobs import files
from organizer.paper import jobs as paper_jobs
from organizer.paper.models import PaperRead


def _doors_naming(read: PaperRead, resident_ids: set[int]) -> list[dict]:
    return [
        door
        for door in (read.findings or {}).get("doors", [])
        if any(row.get("resident") in resident_ids for row in door.get("rows", []))
    ]


def _pending_reads() -> list[PaperRead]:
    return list(db.session.scalars(select(PaperRead).where(PaperRead.status != "done").order_by(PaperRead.id)))


def paper_reads_section(resident):
    """Readings waiting for review that name the person: when, and what was read on their row."""
    rows = []
    for read in _pending_reads():
        for door in _doors_naming(read, {resident.id}):
            for row in door["rows"]:
                if row.get("resident") == resident.id:
                    rows.append(
                        {
                            "reading": read.id,
                            "uploaded": read.created_at.isoformat(),
                            "result": row.get("result"),
                            "support": row.get("support"),
                            "follow_up": row.get("follow_up"),
                            "picture_kept": bool(door.get("crop")),
                        }
                    )
    return "paper_reads", rows


def erase_paper_reads(resident_ids: list[int]) -> dict[str, int]:
    """Drop the erased people's doors from readings waiting for review, with their pictures; the uploaded
    pages that showed them go too (nothing is left to read from them once the reading is done)."""
    wanted, erased = set(resident_ids), 0
    for read in _pending_reads():
        doors = _doors_naming(read, wanted)
        if not doors:
            continue
        for door in doors:
            if door.get("crop"):
                files.remove(paper_jobs.FOLDER, door["crop"])
        for name in read.findings.get("uploads", []):
            files.remove(paper_jobs.FOLDER, name)
        kept = [door for door in read.findings.get("doors", []) if door not in doors]
        read.findings = {**read.findings, "doors": kept, "uploads": []}
        erased += len(doors)
    db.session.flush()
    return {"paper_doors_erased": erased}
