"""The four journeys of issue 11, each from a fresh database, driven like a person would in a real browser.

Only the very first administrator is created directly (as `flask create-admin` would); everything else goes
through the pages: invitations, imports, turfs, walk sheets, conversations, meetings, campaigns, reports.
Every page visited passes visit_check (axe-core, help text, no English on French pages, screenshot).
"""

import pytest

from tests.browser.journey import (
    PASSWORDS,
    accept_invitation,
    assign_turf,
    ban_count,
    choose_language,
    cut_turf,
    download,
    focused_id,
    import_addresses,
    import_residents,
    invite,
    pdf_text,
    press_and_wait,
    qr_codes_in_pdf,
    sign_in_with_keyboard,
    sign_out,
    t,
    tab,
    tab_until,
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


def set_up_a_turf(page, base, tmp_path) -> tuple[str, str]:
    """Journey 1 again, quickly (no checks): the administrator invites, the organizer imports, cuts and
    assigns. Returns the canvasser's invitation link and the turf's address; the organizer stays signed in."""
    page.goto(f"{base}/login")
    sign_in_with_keyboard(page, base, ADMIN[1], PASSWORD, check=False)
    page.goto(f"{base}/admin/users/")
    organizer_link = invite(page, *ORGANIZER, "organizer", "Organizer", check=False)
    canvasser_link = invite(page, *CANVASSER, "canvasser", "Canvasser", check=False)
    sign_out(page)
    accept_invitation(page, organizer_link, check=False)
    import_addresses(page, base, tmp_path, check=False)
    import_residents(page, base, tmp_path, check=False)
    cut_turf(page, base, "La Paix", "rue de la paix", check=False)
    turf_url = page.url
    assign_turf(page, CANVASSER[0], check=False)
    return canvasser_link, turf_url


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_journey_2_canvasser_on_a_phone_then_the_paper_sheet(page, open_page, live_app, live_user, tmp_path, lang):
    _app, base = live_app
    live_user("admin", ADMIN[1], ADMIN[0])
    office = open_page("desktop")
    canvasser_link, turf_url = set_up_a_turf(office, base, tmp_path)
    _name, sheet = download(office, office.get_by_role("button", name="Print walk sheet"))

    # The canvasser gets their link on the phone, sets a password, then signs out until the round.
    page.goto(canvasser_link)
    choose_language(page, lang)
    accept_invitation(page, canvasser_link)
    assert page.locator("h1").inner_text() == t(page, "Hello, Léa Dubois", "Bonjour, Léa Dubois")
    visit_check(page, "2-canvasser-home")
    page.goto(turf_url)
    visit_check(page, "2-canvasser-turf", user_data=("La Paix", "Rue de la paix"))
    door_links = page.locator("table a[href*='/turfs/door/']")
    doors = {
        text: base + href
        for text, href in zip(
            door_links.all_inner_texts(),
            door_links.evaluate_all("links => links.map(a => a.getAttribute('href'))"),
            strict=True,
        )
    }
    assert doors.keys() == {"1 Rue de la paix", "2 Rue de la paix", "3 Rue de la paix"}
    # The sheet's QR codes open the doors' pages; none for the door that must not be knocked.
    assert qr_codes_in_pdf(sheet, list(doors.values())) == [doors["1 Rue de la paix"], doors["2 Rue de la paix"]]
    sign_out(page)

    # At the door: the QR code opens the sign-in page, then the door itself.
    page.goto(doors["1 Rue de la paix"])
    assert "/login?next=" in page.url
    sign_in_with_keyboard(page, base, CANVASSER[1], PASSWORDS["default"], lands_on=doors["1 Rue de la paix"])
    visit_check(page, "2-door", user_data=("Rue de la paix",))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Keyboard only: who answered (arrow keys in the group), a note, follow-up, then the result button.
    page.locator("input[name=resident_id]").first.focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.parentElement.textContent.trim()") == "Omar Benali"
    tab_until(page, "e => e.id === 'note'")
    page.keyboard.type("Loyer en hausse, veut venir à la réunion")
    tab(page, "follow_up")
    page.keyboard.press("Space")
    tab_until(page, "e => e.dataset.testid === 'result-talked'")
    press_and_wait(page, "Enter")
    assert page.get_by_text(t(page, "Saved: Talked.", "Enregistré : Discuté.")).is_visible()
    visit_check(page, "2-door-saved", user_data=("Rue de la paix",))

    # Back at the office: the organizer types the rest of the paper sheet into the grid.
    office.goto(turf_url)
    choose_language(office, lang)
    with office.expect_navigation():
        office.locator("a[href$='/grid']").click()
    visit_check(office, "2-grid", user_data=("Rue de la paix", "La Paix"))
    codes = office.get_by_test_id("row-2").locator("input.code-input")
    codes.first.focus()
    office.keyboard.type("2")  # code 2 on the legend line
    office.keyboard.press("Enter")  # Enter goes to the next field, it does not send half a sheet
    assert focused_id(office) == codes.nth(1).get_attribute("name")
    with office.expect_navigation():
        office.locator("form.entry-grid button[type=submit]").click()
    office.goto(turf_url)
    assert office.get_by_test_id("stat-knocked").inner_text() == "2"
    visit_check(office, "2-turf-after", user_data=("Rue de la paix", "La Paix"))
