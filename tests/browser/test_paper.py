"""An organizer photographs a filled walk sheet, uploads it from a phone, checks what was read, saves."""

import random

import pytest
from sqlalchemy import func, select

from organizer.conversations.models import DoorKnock
from organizer.extensions import db
from organizer.turfs.models import Turf
from tests.browser.conftest import screenshot
from tests.browser.test_login_flow import sign_in
from tests.paper import generator as g
from tests.paper.test_reader import printed_sheet

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_photo_upload_review_and_save_on_a_phone(page, live_app, live_worker, live_user, tmp_path):
    app, base = live_app
    email = live_user("organizer", "org@example.org", "Awa Diallo")
    sheet, truths, _layout = printed_sheet(app)
    photo = tmp_path / "sheet.jpg"
    photo.write_bytes(g.encode_jpeg(g.photo(sheet, random.Random(4)), 60))
    with app.app_context():
        turf_id = db.session.scalar(select(Turf.id))
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/turfs/{turf_id}")
    page.get_by_label("Photos (JPEG, PNG) or a PDF scan").set_input_files(str(photo))
    page.get_by_role("button", name="Read them").click()
    page.get_by_role("link", name="Review the reading").click(timeout=90_000)
    crop = page.locator("img.paper-crop").first
    assert crop.is_visible() and crop.bounding_box()["x"] + crop.bounding_box()["width"] <= 390
    screenshot(page, "paper-review")
    page.get_by_role("button", name="Save these results").click()
    page.wait_for_load_state()
    with app.app_context():
        knocks = db.session.scalar(select(func.count(DoorKnock.id)))
    assert knocks >= sum(1 for t in truths if t.result) - 3
    assert page.get_by_text(f"{knocks} knocks saved.").is_visible()
