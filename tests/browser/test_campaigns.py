"""A leader creates a campaign with a target, plans an action, checks someone in and evaluates it."""

import pytest

from organizer.campaigns import services
from organizer.extensions import db
from tests.browser.conftest import screenshot
from tests.browser.test_login_flow import open_menu_if_folded, sign_in

pytestmark = pytest.mark.browser


def test_create_campaign_with_target_and_action(page, live_app, live_user):
    app, base = live_app
    email = live_user("leader", "julien@example.org", "Julien Moreau")
    with app.app_context():
        services.save_actor(
            None, {"name": "Thierry Vasseur", "kind": "person", "role_title": "Directeur", "influence": 5, "stance": -2}
        )
        db.session.commit()

    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    open_menu_if_folded(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()

    # Submitting without a name keeps what was typed and says what is missing.
    page.get_by_label("Long-term goals").fill("Des logements dignes")
    page.get_by_role("button", name="Save the strategy chart").click()
    assert page.get_by_text("Please correct the highlighted fields.").is_visible()
    assert page.get_by_label("Long-term goals").input_value() == "Des logements dignes"

    page.get_by_label("Campaign name").fill("Rénovation des Acacias")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("What counts as a win").fill("Un calendrier de travaux signé")
    page.locator("#stakeholders-0-who").fill("Locataires du bâtiment C")
    page.get_by_label("Primary target").select_option(label="Thierry Vasseur")
    page.get_by_role("button", name="Save the strategy chart").click()
    page.wait_for_url(f"{base}/campaigns/*")
    assert page.get_by_role("heading", name="Rénovation des Acacias").is_visible()
    assert page.locator(".chart-targets").get_by_text("Thierry Vasseur").is_visible()
    # The target is on the power map: top row (influence 5), left column (stance -2).
    point = page.locator("g.actor-point")
    assert point.count() == 1
    assert point.get_attribute("data-influence") == "5" and point.get_attribute("data-stance") == "-2"
    screenshot(page, "campaign-page")

    page.get_by_role("link", name="Plan an action").click()
    page.get_by_label("Title").fill("Délégation chez le bailleur")
    page.get_by_label("Type").select_option("delegation")
    page.get_by_label("Starts").fill("2030-05-14T10:00")
    page.get_by_label("Place", exact=True).fill("Agence, 14 rue de Longwy")
    page.get_by_label("Turnout goal").fill("10")
    page.locator("#demands-0-text").fill("Le plan d'entretien de la résidence")
    page.get_by_role("button", name="Save the action").click()
    page.wait_for_url(f"{base}/campaigns/actions/*")
    assert page.get_by_role("heading", name="Délégation chez le bailleur").is_visible()
    assert page.get_by_text("Le plan d'entretien de la résidence").is_visible()

    # Check in a walk-in with the keyboard only.
    page.get_by_label("Name", exact=True).last.focus()
    page.keyboard.type("Sophie Roux")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("tr.present").get_by_role("rowheader", name="Sophie Roux").is_visible()

    screenshot(page, "action-before-eval")
    page.get_by_label("Commitments won").fill("Visite technique promise")
    page.get_by_label("Stance of Thierry Vasseur").select_option("-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the evaluation").click()
    assert page.get_by_text("Evaluation saved.").is_visible()
    screenshot(page, "action-page")

    page.get_by_role("link", name="Rénovation des Acacias").click()
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("Visite technique promise").is_visible()
    assert timeline.get_by_text("turnout 1 of 10 expected").is_visible()
    assert page.locator("g.actor-point").get_attribute("data-stance") == "-1"
