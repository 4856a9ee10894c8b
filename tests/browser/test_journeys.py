"""The four journeys of issue 11, each from a fresh database, driven like a person would in a real browser.

Only the very first administrator is created directly (as `flask create-admin` would); everything else goes
through the pages: invitations, imports, turfs, walk sheets, conversations, meetings, campaigns, reports.
Every page visited passes visit_check (axe-core, help text, no English on French pages, screenshot).
"""

import pytest

from tests.browser.journey import (
    accept_invitation,
    assign_turf,
    ban_count,
    choose_language,
    cut_turf,
    download,
    import_addresses,
    import_residents,
    invite,
    pdf_text,
    sign_in_with_keyboard,
    sign_out,
    visit_check,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ADMIN = ("Camille Laurent", "camille@example.org")
ORGANIZER = ("Nadia Benali", "nadia@example.org")
CANVASSER = ("Léa Dubois", "lea@example.org")
LEADER = ("Julien Moreau", "julien@example.org")


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_journey_1_from_installed_to_walk_sheet_in_french(page, live_app, live_user, tmp_path):
    _app, base = live_app
    live_user("admin", ADMIN[1], ADMIN[0])  # the first administrator, as `flask create-admin` makes it

    # The administrator opens the app, switches it to French, signs in with the keyboard.
    page.goto(f"{base}/login")
    choose_language(page, "fr")
    sign_in_with_keyboard(page, base, ADMIN[1], PASSWORD)

    # An empty organization: the first-run panel says what to do, in order, each step a link.
    panel = page.locator(".panel-getting_started")
    assert panel.is_visible()
    assert panel.locator("li.next a").inner_text() == "Importez vos adresses"
    hrefs = panel.locator("ol.steps a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["/residents/import", "/turfs/new", "/admin/users/", "/turfs/", "/turfs/"]
    visit_check(page, "1-home-first-run")

    # "Invite your team": an organizer and a canvasser, each with a link to hand over.
    with page.expect_navigation():
        panel.locator("a[href='/admin/users/']").click()
    visit_check(page, "1-users")
    organizer_link = invite(page, *ORGANIZER, "organizer", "Organisateur·rice")
    invite(page, *CANVASSER, "canvasser", "Bénévole de terrain", check=False)
    sign_out(page)

    # The organizer follows the link, chooses a password, lands on the first-run panel (now at step 1).
    accept_invitation(page, organizer_link)
    assert page.locator("h1").inner_text() == f"Bonjour, {ORGANIZER[0]}"
    panel = page.locator(".panel-getting_started")
    assert panel.locator("li.done a").all_inner_texts() == ["Invitez votre équipe"]
    visit_check(page, "1-home-organizer")

    # Step 1: the addresses (BAN file), then the association's residents (columns chosen by hand).
    with page.expect_navigation():
        panel.locator("li.next a").click()
    import_addresses(page, base, tmp_path)
    assert page.get_by_text(str(ban_count())).first.is_visible()
    import_residents(page, base, tmp_path)

    # Step 2: a turf, cut by street with the keyboard.
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.locator(".panel-getting_started li.next a").click()
    cut_turf(page, base, "La Paix", "rue de la paix")
    visit_check(page, "1-turf", user_data=("La Paix",))

    # Step 4: given to the canvasser; step 5: the walk sheet printed.
    assign_turf(page, CANVASSER[0])
    name, sheet = download(page, page.get_by_role("button", name="Imprimer la feuille de porte-à-porte"))
    assert name.endswith(".pdf")
    text = pdf_text(sheet)
    assert "Omar Benali" in text and "Hélène Dupont" in text
    assert "Lefèvre" not in text  # asked not to be contacted: the door is marked, the name is not printed
    assert "NE PAS FRAPPER" in text.upper()
    visit_check(page, "1-turf-assigned", user_data=("La Paix",))

    # Every step done: the first-run panel gives way to the dashboard.
    page.goto(f"{base}/")
    assert page.locator(".panel-getting_started").count() == 0
    visit_check(page, "1-home-done")
