"""Upload photos on the turf page, the reading as a job, the review page, saving once, images deleted."""

import io
import random
import re

from sqlalchemy import func, select

from organizer.conversations.models import DoorKnock
from organizer.extensions import db
from organizer.jobs.models import Job, JobFile
from organizer.paper.models import PaperRead
from tests.paper import generator as g
from tests.paper.test_reader import printed_sheet


def review_form(page: str) -> dict:
    """The review form as a browser would send it: every select's chosen option, ticked boxes."""
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1), "action": "save"}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    for name in re.findall(r'<input type="checkbox" name="(follow-[^"]+)" value="1" checked>', page):
        data[name] = "1"
    return data


def test_upload_review_save_once_and_images_deleted(app, client, admin):
    page, truths, _layout = printed_sheet(app)
    photo = g.encode_jpeg(g.photo(page, random.Random(8)), 60)
    with app.app_context():
        turf_id = db.session.scalar(select(func.min(PaperRead.id)))  # none yet
        from organizer.turfs.models import Turf

        turf_id = db.session.scalar(select(Turf.id))
    client.login(admin[1])
    show = client.get(f"/turfs/{turf_id}").get_data(as_text=True)
    assert "Read filled sheets from photos" in show
    token = re.search(r'name="csrf_token" value="([^"]+)"', show).group(1)
    bad = client.post(
        f"/paper/turfs/{turf_id}/upload",
        data={"csrf_token": token, "files": (io.BytesIO(b"hello"), "notes.txt")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "notes.txt is not a JPEG, PNG or PDF file" in bad.get_data(as_text=True)
    response = client.post(
        f"/paper/turfs/{turf_id}/upload",
        data={"csrf_token": token, "files": (io.BytesIO(photo), "sheet.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and "/jobs/" in response.location
    job_page = client.get(response.location).get_data(as_text=True)
    assert "Review the reading" in job_page
    with app.app_context():
        read = db.session.scalar(select(PaperRead))
        job = db.session.get(Job, read.job_id)
        assert job.state == "done" and read.status == "review"
        kept = set(db.session.scalars(select(JobFile.name).where(JobFile.folder == "paper")))
        assert any(name.startswith(f"{read.id}-crop-") for name in kept)
        assert f"{read.id}-upload-000-image1.jpg" in kept
    review = client.get(f"/paper/{read.id}").get_data(as_text=True)
    doors = re.findall(r'data-testid="door-(\d+)"', review)
    assert len(doors) >= len({t.household_id for t in truths}) - 1
    crop = re.search(r'src="(/paper/\d+/crops/[^"]+)"', review).group(1)
    assert client.get(crop).headers["Content-Type"] == "image/png"
    saved = client.post(f"/paper/{read.id}/save", data=review_form(review), follow_redirects=True)
    text = saved.get_data(as_text=True)
    with app.app_context():
        knocks = db.session.scalar(select(func.count(DoorKnock.id)).where(DoorKnock.entered_via == "photo"))
    expected = sum(1 for t in truths if t.result and not t.several)
    assert knocks >= expected - 3 and f"{knocks} knocks saved." in text
    with app.app_context():
        assert not db.session.scalars(select(JobFile.name).where(JobFile.folder == "paper")).all()  # pictures deleted
    assert client.get(crop).status_code == 404
    # The same photo again: read, but nothing saved twice.
    again = client.post(
        f"/paper/turfs/{turf_id}/upload",
        data={"csrf_token": token, "files": (io.BytesIO(photo), "sheet.jpg")},
        content_type="multipart/form-data",
    )
    client.get(again.location)
    with app.app_context():
        second = db.session.scalar(select(PaperRead).order_by(PaperRead.id.desc()))
    review = client.get(f"/paper/{second.id}").get_data(as_text=True)
    assert "Already saved from this sheet." in review
    client.post(f"/paper/{second.id}/save", data=review_form(review))
    with app.app_context():
        assert db.session.scalar(select(func.count(DoorKnock.id))) == knocks
