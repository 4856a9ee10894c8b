"""What paper adds elsewhere: readings waiting for review on the dashboard, in a person's subject access
export, and gone (with the pictures of their door) when the person is erased."""

from sqlalchemy import select

from organizer.auth.models import User
from organizer.extensions import db
from organizer.jobs import files
from organizer.jobs.models import JobFile
from organizer.kernel.contributions import panels_for, registry
from organizer.paper import jobs as paper_jobs
from organizer.paper.models import PaperRead
from organizer.privacy import services as privacy
from organizer.residents.models import Resident
from tests.privacy.conftest import resident_id  # noqa: F401 - the fixture: Hélène Dupont, one knock


def test_readings_to_review_on_the_dashboard_in_the_export_and_erased(app, resident_id, make_user):  # noqa: F811
    user_id, _email = make_user("organizer")
    with app.test_request_context():
        assert "paper_read" in registry().job_kinds
        household_id = db.session.get(Resident, resident_id).household_id
        rows = [{"resident": resident_id, "result": "talked", "support": 4, "follow_up": True}]
        other = [{"resident": None, "result": "not_home", "support": None, "follow_up": False}]
        findings = {
            "doors": [
                {"door": household_id, "print": "tok", "crop": f"crop-{household_id}-tok.png", "rows": rows},
                {"door": 999, "print": "tok", "crop": None, "rows": other},
            ],
            "problems": [],
        }
        findings["uploads"] = ["1-upload-000-image1.jpg"]
        read = PaperRead(created_by_id=user_id, status="review", findings=findings)
        db.session.add(read)
        files.put(paper_jobs.FOLDER, f"crop-{household_id}-tok.png", b"picture")
        files.put(paper_jobs.FOLDER, "1-upload-000-image1.jpg", b"page")
        db.session.commit()

        viewer = db.session.get(User, user_id)
        panels = {panel.key: data for panel, data in panels_for(viewer)}
        assert panels["paper_reviews"]["items"][0]["url"] == f"/paper/{read.id}"
        [row] = privacy.subject_access(resident_id)["paper_reads"]
        assert row["reading"] == read.id and row["result"] == "talked" and row["picture_kept"] is True

        counts = privacy.erase_residents([resident_id], "asked")
        db.session.commit()
        assert counts["paper_doors_erased"] == 1
        assert [door["door"] for door in db.session.get(PaperRead, read.id).findings["doors"]] == [999]
        # Their door's picture and the page that showed them.
        assert not db.session.scalars(select(JobFile).where(JobFile.folder == paper_jobs.FOLDER)).all()
        read.status = "done"
        db.session.commit()
        assert "paper_reviews" not in {panel.key for panel, _data in panels_for(viewer)}
