"""Build an agenda from a template and reorder it with the keyboard, in a real browser."""

import re

import pytest
from sqlalchemy import select

from organizer.extensions import db
from organizer.meetings.models import AgendaItem
from tests.browser.conftest import screenshot
from tests.browser.test_login_flow import open_menu_if_folded, sign_in

pytestmark = pytest.mark.browser


def _titles(page):
    return [t.strip() for t in page.locator("ol.agenda .agenda-title").all_inner_texts()]


def _times(page):
    return page.locator('[data-testid="item-time"]').all_inner_texts()


def test_agenda_from_template_reordered_with_the_keyboard(page, live_app, live_user):
    app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    sign_in(page, base, email)
    open_menu_if_folded(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Agenda").select_option(label="House meeting")
    page.get_by_label("Title").fill("Réunion chez Mme Diallo")
    page.get_by_label("Date").fill("2030-03-12")
    page.get_by_label("Start time").fill("18:30")
    page.get_by_label("Place").fill("12 bis rue Joffre")
    page.get_by_role("button", name="Create the meeting").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    assert _titles(page)[:3] == ["Sign-in", "Host welcome", "Why each of us came"]
    assert _times(page)[:3] == ["18:30", "18:40", "18:45"]

    # Arrow keys on the third item's handle move it up; the new order is saved at once.
    handle = page.locator("ol.agenda li").nth(2).locator(".drag-handle")
    moved_id = handle.evaluate("e => e.closest('li').id")
    handle.focus()
    with page.expect_response(re.compile(r".*/items/reorder$")):
        page.keyboard.press("ArrowUp")
    assert _titles(page)[:3] == ["Sign-in", "Why each of us came", "Host welcome"]
    assert _times(page)[:3] == ["18:30", "18:40", "19:00"]
    # Focus stays on the moved item's handle, so the arrow can be pressed again.
    assert page.evaluate("document.activeElement.closest('li').id") == moved_id

    # Without the script's keys: the Move down button, pressed from the keyboard.
    sign_in_item = page.locator("ol.agenda li").filter(has=page.locator(".agenda-title", has_text="Sign-in"))
    sign_in_item.get_by_role("button", name=re.compile("^Move down")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _titles(page)[:3] == ["Why each of us came", "Sign-in", "Host welcome"]
    screenshot(page, "meeting-agenda")
    with app.app_context():
        positions = db.session.scalars(select(AgendaItem.position).order_by(AgendaItem.position)).all()
    assert positions == list(range(1, 8))
