"""Log a one-on-one right after the meeting, on a phone, with the as-you-type resident search."""

import pytest

from organizer.extensions import db
from organizer.residents.models import Resident
from organizer.residents.normalize import name_key
from tests.browser.conftest import screenshot
from tests.browser.test_login_flow import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page", ["phone"], indirect=True)  # this flow is for the phone only
def test_log_one_on_one_on_a_phone(page, live_app, live_user):
    app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    with app.app_context():
        db.session.add(
            Resident(first_name="Hélène", last_name="Dupont", name_key=name_key("Hélène", "Dupont"), data_source="t")
        )
        db.session.commit()
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/conversations/one-on-ones/new")
    # Nothing chosen yet: the form comes back with the message, and what was typed stays.
    page.get_by_label("Their story").fill("Arrivée il y a quinze ans.")
    page.get_by_role("button", name="Save the one-on-one").click()
    assert page.get_by_text("Choose the resident.").is_visible()
    assert page.get_by_label("Their story").input_value() == "Arrivée il y a quinze ans."
    # Accents and case do not matter: "helene" finds Hélène.
    page.get_by_label("Search by name: With whom").fill("helene")
    page.wait_for_selector("#resident_id option:has-text('Hélène Dupont')", state="attached")
    page.locator("#resident_id").select_option(label="Hélène Dupont")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Other issues (separated by commas)").fill("Loyers trop chers")
    page.get_by_label("The ask").fill("Accueillir une réunion d'appartement ?")
    page.get_by_label("Yes", exact=True).check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "one-on-one-form")
    page.get_by_role("button", name="Save the one-on-one").click()
    assert page.get_by_role("heading", name="One-on-one with Hélène Dupont").is_visible()
    assert page.get_by_text("Loyers trop chers").is_visible()
    assert page.get_by_text("Arrivée il y a quinze ans.").is_visible()
    screenshot(page, "one-on-one")
