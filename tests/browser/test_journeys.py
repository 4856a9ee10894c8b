"""The four journeys of issue 11, each from a fresh database, driven like a person would in a real browser.

Only the very first administrator is created directly (as `flask create-admin` would); everything else goes
through the pages: invitations, imports, turfs, walk sheets, conversations, meetings, campaigns, reports.
Every page visited passes visit_check (axe-core, help text, no English on French pages, screenshot).
"""

import re

import pytest

from tests.browser.journey import (
    PASSWORDS,
    accept_invitation,
    assign_turf,
    ban_count,
    choose_language,
    choose_with_keyboard,
    cut_turf,
    download,
    focused_id,
    import_addresses,
    import_residents,
    invite,
    is_french,
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
def test_journey_1_from_installed_to_walk_sheet_in_french(page, live_app, live_user, live_worker, tmp_path):
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
    assert page.get_by_test_id("created-addresses").inner_text() == str(ban_count())
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
def test_journey_2_canvasser_on_a_phone_then_the_paper_sheet(
    page, open_page, live_app, live_user, live_worker, tmp_path, lang
):
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
    # (in the order of the candidates given, so compared as a set: the sheet's own order is the walking order)
    printed = set(qr_codes_in_pdf(sheet, list(doors.values())))
    assert printed == {doors["1 Rue de la paix"], doors["2 Rue de la paix"]}
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


def pick_resident_with_keyboard(page, field_id: str, typed: str, name: str) -> None:
    """The as-you-type resident search of the conversation forms, keyboard only."""
    page.locator(f"input[data-resident-search='{field_id}']").focus()
    page.keyboard.type(typed)
    page.wait_for_selector(f"#{field_id} option:has-text('{name}')", state="attached")
    tab_until(page, f"e => e.id === '{field_id}'", limit=3)
    choose_with_keyboard(page, name, prefix=True)


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_journey_3_conversations_campaign_meeting_in_french(page, live_app, live_user, live_worker, tmp_path):
    _app, base = live_app
    live_user("admin", ADMIN[1], ADMIN[0])
    page.goto(f"{base}/login")
    sign_in_with_keyboard(page, base, ADMIN[1], PASSWORD, check=False)
    page.goto(f"{base}/admin/users/")
    organizer_link = invite(page, *ORGANIZER, "organizer", "Organizer", check=False)
    leader_link = invite(page, *LEADER, "leader", "Leader", check=False)
    sign_out(page)

    # The organizer chooses French in their account settings (kept on every device).
    accept_invitation(page, organizer_link, check=False)
    page.goto(f"{base}/account")
    page.locator("#prefs-locale").select_option("fr")
    with page.expect_navigation():
        page.locator("#prefs-submit").click()
    assert is_french(page)
    visit_check(page, "3-account")
    import_residents(page, base, tmp_path, check=False)

    # A one-on-one, keyboard only.
    page.goto(f"{base}/conversations/")
    visit_check(page, "3-conversations")
    page.goto(f"{base}/conversations/one-on-ones/new")
    visit_check(page, "3-one-on-one-form")
    pick_resident_with_keyboard(page, "resident_id", "helene", "Hélène Dupont")
    tab_until(page, "e => e.id === 'story'")
    page.keyboard.type("Arrivée il y a quinze ans, trois enfants à l’école du quartier.")
    tab_until(page, "e => e.id === 'new_issues'")
    page.keyboard.type("Loyers trop chers, Chauffage en panne")
    tab_until(page, "e => e.id === 'ask'")
    page.keyboard.type("Accueillir une réunion d’appartement ?")
    tab_until(page, "e => e.name === 'answer'")
    page.keyboard.press("Space")  # the first answer: yes
    tab_until(page, "e => e.id === 'submit'")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Entretien individuel avec Hélène Dupont"
    visit_check(page, "3-one-on-one", user_data=("Loyers trop chers", "Chauffage en panne"))

    # A house meeting at Hélène's, with Omar and a newcomer.
    page.goto(f"{base}/conversations/house-meetings/new")
    visit_check(page, "3-house-meeting-form")
    page.locator("input[data-resident-search='host_id']").fill("dupont")
    page.wait_for_selector("#host_id option:has-text('Hélène Dupont')", state="attached")
    page.locator("#host_id").select_option(label=page.locator("#host_id option", has_text="Hélène Dupont").inner_text())
    page.locator("#place").fill("2 rue de la Paix")
    page.locator("input[data-resident-search='attendees-0-resident_id']").fill("omar")
    page.wait_for_selector("#attendees-0-resident_id option:has-text('Omar Benali')", state="attached")
    option = page.locator("#attendees-0-resident_id option", has_text="Omar Benali").inner_text()
    page.locator("#attendees-0-resident_id").select_option(label=option)
    page.locator("label.checkbox", has_text="Loyers trop chers").locator("input").check()
    page.locator("#notes").fill("Tout le monde parle des loyers.")
    with page.expect_navigation():
        page.locator("#submit").click()
    assert "Hélène Dupont" in page.locator("h1").inner_text()
    visit_check(page, "3-house-meeting", user_data=("Loyers trop chers", "2 rue de la Paix"))
    sign_out(page)

    # The leader: a target, a campaign aimed at them, an action.
    accept_invitation(page, leader_link, check=False)
    page.goto(f"{base}/campaigns/actors/new")
    visit_check(page, "3-actor-form")
    page.locator("#name").fill("Thierry Vasseur")
    page.locator("#role_title").fill("Directeur de l’agence")
    page.locator("#influence").select_option("5")
    page.locator("#stance").select_option("-2")
    with page.expect_navigation():
        page.locator("#submit").click()

    page.goto(f"{base}/campaigns/")
    visit_check(page, "3-campaigns")
    page.goto(f"{base}/campaigns/new")
    visit_check(page, "3-campaign-form")
    page.locator("#name").focus()
    page.keyboard.type("Des loyers justes")
    tab(page, "status")
    choose_with_keyboard(page, "active", by_value=True)
    tab_until(page, "e => e.id === 'win_definition'")
    page.keyboard.type("Un gel des loyers signé")
    tab_until(page, "e => e.id === 'primary_target'", limit=60)
    choose_with_keyboard(page, "Thierry Vasseur", prefix=True)
    tab_until(page, "e => e.type === 'submit' && e.closest('form.strategy-form')", limit=40)
    press_and_wait(page, "Enter")
    page.wait_for_url(re.compile(r".*/campaigns/\d+$"))
    assert page.locator(".chart-targets").get_by_text("Thierry Vasseur").is_visible()
    visit_check(page, "3-campaign", user_data=("Des loyers justes", "Un gel des loyers signé", "Thierry Vasseur"))

    with page.expect_navigation():
        page.locator("a[href$='/actions/new']").first.click()
    visit_check(page, "3-action-form")
    page.locator("#title").fill("Délégation chez le bailleur")
    page.locator("#starts_at").fill("2030-05-14T10:00")
    page.locator("#turnout_goal").fill("10")
    page.locator("#demands-0-text").fill("Un gel des loyers pour 2031")
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/campaigns/actions/\d+$"))
    action_url = page.url
    visit_check(page, "3-action", user_data=("Délégation chez le bailleur", "Un gel des loyers pour 2031"))

    # The preparation meeting, its agenda from a template, printed.
    with page.expect_navigation():
        page.locator("a[href*='/meetings/new']").click()
    visit_check(page, "3-meeting-form")
    page.locator("#template_id").select_option(index=1)
    page.locator("#title").fill("Préparer la délégation")
    page.locator("#day").fill("2030-05-10")
    page.locator("#start_time").fill("18:30")
    with page.expect_navigation():
        page.locator("#submit").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    meeting_url = page.url
    items = [text.strip() for text in page.locator("ol.agenda .agenda-title").all_inner_texts()]
    assert len(items) >= 3
    visit_check(page, "3-meeting", user_data=("Préparer la délégation", *items))
    agenda = page.request.get(base + page.locator("a[href$='/agenda.pdf']").get_attribute("href"))
    assert agenda.ok and agenda.headers["content-type"] == "application/pdf"
    text = pdf_text(agenda.body())
    assert "Préparer la délégation" in text and items[0] in text and items[-1] in text

    # Attendance: the organizer is invited and came.
    page.locator("#invite-user").select_option(label=ORGANIZER[0])
    with page.expect_navigation():
        page.locator("#attendees form.form-row button[type=submit]").first.click()
    page.locator("#attendees input[type=checkbox][name^=attended]").first.check()
    with page.expect_navigation():
        page.locator("#attendees form button.primary").click()
    assert page.locator("#attendees input[type=checkbox][name^=attended]").first.is_checked()
    visit_check(page, "3-meeting-attendance", user_data=("Préparer la délégation", *items))

    # The action: a walk-in checked in, then the evaluation.
    page.goto(action_url)
    page.locator("#walk-in input[name$=name]").fill("Sophie Roux")
    page.locator("#walk-in input[type=checkbox]").check()
    with page.expect_navigation():
        page.locator("#walk-in button[type=submit], #walk-in input[type=submit]").click()
    assert page.locator("tr.present th[scope=row]", has_text="Sophie Roux").is_visible()
    page.locator("#commitments_won").fill("Visite technique promise")
    with page.expect_navigation():
        page.locator("#evaluation form [type=submit]").click()
    assert page.get_by_text("Évaluation enregistrée.").is_visible()
    assert page.locator("#commitments_won").input_value() == "Visite technique promise"
    visit_check(page, "3-action-evaluated", user_data=("Délégation chez le bailleur", "Un gel des loyers pour 2031"))
    page.goto(meeting_url)
    assert page.locator("#attendees").get_by_role("cell", name=ORGANIZER[0], exact=True).is_visible()
    assert page.locator("#attendees input[type=checkbox][name^=attended]").first.is_checked()


def log_door_knock(page, base: str, search: str, name: str, tick: tuple[str, ...] = (), new_issues: str = "") -> None:
    """The door-knock form, keyboard for the resident and the result, as after an afternoon of knocking."""
    page.goto(f"{base}/conversations/door-knocks/new")
    pick_resident_with_keyboard(page, "resident_id", search, name)
    tab_until(page, "e => e.name === 'result'")
    page.keyboard.press("Space")  # the first result: talked
    for issue in tick:
        page.locator("label.checkbox", has_text=issue).locator("input").check()
    if new_issues:
        page.locator("#new_issues").fill(new_issues)
    page.locator("#note").fill(f"Notes de la porte de {name}")
    with page.expect_navigation():
        page.locator("#submit").click()
    assert page.locator(".error, .form-errors").all_inner_texts() == []
    page.wait_for_url(f"{base}/conversations/?kind=door")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_journey_4_what_we_heard_and_the_conversations_behind(page, live_app, live_user, live_worker, tmp_path, lang):
    _app, base = live_app
    live_user("admin", ADMIN[1], ADMIN[0])
    page.goto(f"{base}/login")
    choose_language(page, lang)
    sign_in_with_keyboard(page, base, ADMIN[1], PASSWORD, check=False)
    page.goto(f"{base}/admin/users/")
    organizer_link = invite(page, *ORGANIZER, "organizer", t(page, "Organizer", "Organisateur·rice"), check=False)
    sign_out(page)
    accept_invitation(page, organizer_link, check=False)
    import_residents(page, base, tmp_path, check=False)

    # Three conversations: rents raised by all three residents, heating by two.
    log_door_knock(page, base, "omar", "Omar Benali", new_issues="Loyers trop chers, Chauffage en panne")
    visit_check(page, "4-door-knock-saved", user_data=("Loyers trop chers", "Chauffage en panne"))
    log_door_knock(page, base, "helene", "Hélène Dupont", tick=("Loyers trop chers",))
    log_door_knock(page, base, "sophie", "Sophie Roux", tick=("Loyers trop chers", "Chauffage en panne"))
    page.goto(f"{base}/conversations/door-knocks/new")
    visit_check(page, "4-door-knock-form", user_data=("Loyers trop chers", "Chauffage en panne"))

    # From the home page to the report: issues ranked by the residents who raised them.
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.locator("a.button[href='/reports/listening']").click()
    rows = page.get_by_test_id("listening-table").locator("tbody tr")
    ranked = [(row.locator("th").inner_text(), row.locator("td a").first.inner_text()) for row in rows.all()]
    assert ranked == [("Loyers trop chers", "3"), ("Chauffage en panne", "2")]
    visit_check(page, "4-listening", user_data=("Loyers trop chers", "Chauffage en panne"))

    # Drill down: who raised the heating, with their conversations.
    with page.expect_navigation():
        rows.filter(has=page.locator("th", has_text="Chauffage en panne")).locator("td a").first.click()
    listed = page.get_by_test_id("drill-down").locator("li.conversation")
    assert listed.count() == 2
    assert listed.filter(has_text="Omar Benali").count() == 1 and listed.filter(has_text="Sophie Roux").count() == 1
    assert listed.filter(has_text="Hélène Dupont").count() == 0
    assert listed.filter(has_text="Notes de la porte de Sophie Roux").count() == 1
    visit_check(page, "4-drill-down", user_data=("Loyers trop chers", "Chauffage en panne", "Notes de la porte de"))
