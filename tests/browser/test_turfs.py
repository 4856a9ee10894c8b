"""A canvasser opens a door from the QR code's page on a phone, taps a result, and it is saved;
the entry grid moves on with the keyboard."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from organizer.auth.models import User
from organizer.conversations.models import DoorKnock
from organizer.extensions import db
from organizer.turfs import services
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_login_flow import sign_in
from tests.turfs.conftest import add_resident, load_ban_addresses

pytestmark = pytest.mark.browser


def make_turf(app, email):
    with app.app_context():
        addresses = sorted(load_ban_addresses({"rue de la paix"}), key=lambda a: a.number)
        resident = add_resident(addresses[0], "Omar", "Benali")
        turf = services.create_turf("Paix", services.TurfRule(streets=["rue de la paix"]))
        user = db.session.scalar(select(User).where(User.email == email))
        services.assign(turf, user, services.local_today() + timedelta(days=7))
        db.session.commit()
        return turf.id, resident.household_id, resident.id


@pytest.mark.parametrize("page", ["phone"], indirect=True)  # the canvasser's page, on a phone
def test_phone_door_page_tap_result_saves(page, live_app, live_user):
    app, base = live_app
    email = live_user("canvasser", "lea@example.org", "Léa Dubois")
    turf_id, household_id, resident_id = make_turf(app, email)
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/turfs/door/{household_id}")
    assert page.get_by_role("heading", name="1 rue de la paix").is_visible()
    page.get_by_label("Omar Benali").check()
    page.get_by_label("Note").fill("Problème de chauffage")
    button = page.get_by_test_id("result-talked")
    box = button.bounding_box()
    assert box["height"] >= 44  # a thumb-sized target
    if page.viewport_name == "phone":
        assert box["x"] + box["width"] <= 390
    button.click()
    page.wait_for_load_state()
    assert page.get_by_text("Saved: Talked.").is_visible()
    screenshot(page, "turf-door")
    with app.app_context():
        knock = db.session.scalar(select(DoorKnock))
        assert (knock.result, knock.resident_id, knock.entered_via) == ("talked", resident_id, "phone")
        assert knock.note == "Problème de chauffage"
    # The grid: Enter moves to the next door's code instead of submitting half a sheet.
    page.goto(f"{base}/turfs/{turf_id}/grid")
    first = page.get_by_label("Result for door 1")
    first.fill("1")
    first.press("Enter")
    assert page.evaluate("document.activeElement.name") == page.get_by_label("Support for door 1").get_attribute("name")
    screenshot(page, "turf-grid")


def test_turf_page_map_and_print_button(page, live_app, live_user):
    app, base = live_app
    email = live_user("canvasser", "lea@example.org", "Léa Dubois")
    turf_id, _household_id, _resident_id = make_turf(app, email)
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/turfs/")
    page.get_by_role("link", name="Paix").click()
    page.wait_for_url(f"{base}/turfs/{turf_id}")  # waits for the load event: count() itself does not wait
    assert page.locator("svg.turf-map circle").count() == 3
    assert page.get_by_test_id("stat-doors").inner_text() == "3"
    with page.expect_download() as download:
        page.get_by_role("button", name="Print walk sheet").click()
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "turf-page")


@pytest.mark.parametrize("page", ["desktop"], indirect=True)  # an office task, with a real worker process
def test_batch_print_waits_for_the_job_then_downloads(page, live_app, live_user):
    app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    make_turf(app, email)
    with app.app_context():
        load_ban_addresses({"rue de landres"})
        services.create_turf("Landres", services.TurfRule(streets=["rue de landres"]))
        db.session.commit()
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/turfs/")
    page.get_by_label("Print Paix").check()
    page.get_by_label("Print Landres").check()
    page.get_by_role("button", name="Print the ticked turfs").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    assert page.get_by_role("heading", name="Walk sheets").is_visible()
    # Without waiting for JavaScript the page already offers a plain link to look again.
    if page.locator("progress").count():
        assert page.get_by_role("link", name="Refresh").is_visible()
        assert_accessible(page)
    page.get_by_text("Your walk sheets are ready.").wait_for(timeout=60_000)
    assert_accessible(page)
    screenshot(page, "walk-sheets-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download walk-sheets-")).click()
    assert download.value.suggested_filename.endswith(".pdf")
