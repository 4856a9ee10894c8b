"""Cut a turf on the map as an organizer would: draw a polygon, read the live counts, create the turf (the
count matches the server's), print it, split it with a line, merge it back. No map tiles: doors and
streets are drawn from the addresses' own coordinates, and nothing leaves the machine."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import func, select

from organizer.extensions import db
from organizer.residents.models import Address
from organizer.turfs import geometry
from organizer.turfs.models import Turf
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_login_flow import sign_in
from tests.turfs.conftest import add_resident, load_ban_addresses

pytestmark = pytest.mark.browser


def _draw(page, selector, points, close=True):
    """Click the points (fractions of the map's box) and finish (back on the first point, or double-click)."""
    box = page.locator(selector).bounding_box()
    spots = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    for x, y in spots:
        page.mouse.click(x, y)
        page.wait_for_timeout(60)
    if close:
        page.mouse.click(*spots[0])
    else:
        page.mouse.dblclick(*spots[-1])


@pytest.mark.parametrize("page", ["desktop"], indirect=True)  # an office task
def test_draw_create_print_split_merge(page, live_app, live_user):
    app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    with app.app_context():
        addresses = load_ban_addresses()
        for index, address in enumerate(addresses[::25]):
            add_resident(address, "Camille", f"Martin{index}", do_not_contact=index % 4 == 0)
        db.session.commit()
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/turfs/")
    page.get_by_role("link", name="Cut a turf on the map").click()
    page.wait_for_selector("#cut-map[data-doors]")
    assert page.locator("#cut-map").get_attribute("data-doors") == "501"
    assert_accessible(page)

    page.get_by_role("button", name="Draw an area").click()
    # A small area in the middle of the commune: a few dozen doors keep the sheet quick to print.
    _draw(page, "#cut-map", [(0.42, 0.38), (0.62, 0.38), (0.62, 0.62), (0.42, 0.62)])
    doors = page.get_by_test_id("preview-doors")
    expect(doors).not_to_have_text("0")
    shown = int(doors.inner_text())
    polygon = page.locator("input[name=polygon]").input_value()
    with app.app_context():
        area = geometry.polygon_shape(polygon)
        rows = db.session.execute(select(Address.lon, Address.lat)).all()
        inside = int(geometry.inside_mask(area, [r.lon for r in rows], [r.lat for r in rows]).sum())
    assert shown == inside > 0  # the BAN points have no households: one door per address
    screenshot(page, "turf-map-cut")

    page.get_by_label("Name of the turf").fill("Centre")
    page.get_by_role("button", name="Create the turf").click()
    page.wait_for_url(re.compile(r".*/turfs/\d+$"))
    assert page.get_by_test_id("stat-doors").inner_text() == str(shown)
    page.wait_for_selector("#turf-map[data-doors]")
    assert page.locator("#turf-map .door-pin").count() == shown
    assert_accessible(page)
    screenshot(page, "turf-map-show")
    with page.expect_download() as download:
        page.get_by_role("button", name="Print walk sheet").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert "Start" in pdf.pages[0].extract_text()  # the printed route map, drawn inline

    page.get_by_role("link", name="Split this turf").click()
    page.wait_for_selector("#split-map[data-doors]")
    page.get_by_role("button", name="Draw the dividing line").click()
    _draw(page, "#split-map", [(0.5, 0.02), (0.5, 0.98)], close=False)
    page.get_by_text("Line drawn.").wait_for()
    page.get_by_label("Name of the new turf").fill("Centre est")
    page.get_by_role("button", name="Split the turf").click()
    page.wait_for_url(re.compile(r".*/turfs/\d+$"))
    with app.app_context():
        counts = dict(
            db.session.execute(select(Turf.name, func.count(Address.id)).join(Address).group_by(Turf.name)).all()
        )
    assert set(counts) == {"Centre", "Centre est"} and sum(counts.values()) == shown
    assert 0 < counts["Centre est"] <= counts["Centre"]

    page.goto(f"{base}/turfs/")
    page.get_by_role("link", name="Centre", exact=True).click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Merge another turf into this one").select_option(label="Centre est")
    page.get_by_role("button", name="Merge", exact=True).click()
    page.get_by_text("Centre est merged into Centre.").wait_for()
    assert page.get_by_test_id("stat-doors").inner_text() == str(shown)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Turf)) == 1


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_cut_by_keyboard_with_the_street_list(page, live_app, live_user):
    app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    with app.app_context():
        load_ban_addresses({"rue de landres", "rue de la paix", "rue nationale"})
        db.session.commit()
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/turfs/map")
    page.wait_for_selector("#cut-map[data-doors]")
    search = page.get_by_label("Search a street")
    search.focus()
    page.keyboard.type("landres")
    expect(page.locator("#street-count")).to_have_text("1")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_test_id("preview-doors")).to_have_text("16")
    page.get_by_label("Name of the turf").fill("Landres")
    page.get_by_role("button", name="Create the turf").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/turfs/\d+$"))
    assert page.get_by_test_id("stat-doors").inner_text() == "16"
    screenshot(page, "turf-map-keyboard")
