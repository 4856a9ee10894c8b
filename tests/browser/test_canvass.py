"""The canvasser's phone in a real Chromium at 390x844, offline with Playwright: 30 doors logged with no
signal survive closing the page, are sent once when the network returns (even when the first answer is lost on
the way back), and what the server refuses is shown on the phone, never dropped."""

import statistics

import pytest
from sqlalchemy import func, select, update

from organizer.auth.models import User
from organizer.canvass.models import CanvassReceipt
from organizer.conversations.models import DoorKnock, Issue, door_knock_issues
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.turfs.models import TurfAssignment
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_login_flow import sign_in
from tests.canvass.conftest import make_block_turf

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"waiting": "30 waiting to send", "sent": "Everything is sent.", "refused": "Not accepted by the server"},
    "fr": {"waiting": "30 en attente d’envoi", "sent": "Tout est envoyé.", "refused": "Refusé par le serveur"},
}


def canvasser(app, live_user, email, lang):
    live_user("canvasser", email, "Léa Dubois")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).locale = lang
        db.session.commit()


def open_turf_online(page, base, email, turf_id, look=False):
    """Sign in: the home page starts with My turfs; its button opens the walk list, kept for offline use."""
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    if look:
        screenshot(page, "canvass-home")
    page.get_by_test_id("home-my-turfs").get_by_role("link").last.click()
    page.wait_for_url(f"{base}/canvass/turf/{turf_id}")
    page.wait_for_selector("[data-testid=canvass-app][data-ready='1']")
    # The service worker has taken the page and kept the shell.
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.get_by_test_id("door").count() > 0


def counts(app):
    with app.app_context():
        knocks = db.session.scalar(select(func.count()).select_from(DoorKnock))
        residents = db.session.scalar(select(func.count()).select_from(Resident))
        links = db.session.scalar(select(func.count()).select_from(door_knock_issues))
        households = db.session.scalar(select(func.count(func.distinct(DoorKnock.household_id))))
        return knocks, residents, links, households


def assert_results_above_the_fold(page):
    """The result buttons are above the fold on a 390x844 screen, thumb-sized."""
    for button in page.locator("[data-action=result]").all():
        box = button.bounding_box()
        assert box["y"] + box["height"] <= 844 and box["height"] >= 48 and box["x"] + box["width"] <= 390


def log_talked(page, n) -> int:
    """Talked: who answered, support, an issue tapped and one typed, a note, and twice a new person (1 if added)."""
    page.get_by_test_id("result-talked").click()
    names = page.locator("input[name=answered]")
    added = 0
    if n in (3, 9):
        page.get_by_test_id("new-person").locator("summary").click()
        page.locator("input[name=first_name]").fill(f"Nouvelle{n}")
        page.locator("input[name=last_name]").fill("Voisine")
        page.locator("input[name=phone]").fill("06 11 22 33 44")
        page.locator("input[name=answered][value=new]").check()
        added = 1
    elif names.count() > 3:
        names.first.check()
    page.locator("input[name=support][value='4']").check()
    page.locator("input[name=issue]").first.check()
    page.locator("input[name=new_issue]").fill("Ascenseur en panne" if n % 2 else "Punaises de lit")
    page.locator("textarea[name=note]").fill(f"Porte {n}")
    page.locator("input[name=follow_up]").check()
    page.get_by_test_id("save-next").click()
    return added


def log_door(page, n, tap_ms) -> int:
    """Door n of the thirty: a conversation every third door, else one tap; waits for the next door.
    Returns 1 when a new person was added; one-tap timings go to `tap_ms`."""
    door_id = int(page.locator("form.canvass-door-form").get_attribute("data-door"))
    added = 0
    if n % 3 == 0:
        added = log_talked(page, n)
    else:
        result = ["not_home", "come_back", "refused", "not_home"][n % 4]
        page.get_by_test_id(f"result-{result}").click()
    page.wait_for_function(
        "id => document.querySelector('form.canvass-door-form') === null"
        " || document.querySelector('form.canvass-door-form').dataset.door !== String(id)",
        arg=door_id,
    )
    if n % 3 and page.locator("[data-testid=canvass-app]").get_attribute("data-last-tap-ms"):
        tap_ms.append(int(page.locator("[data-testid=canvass-app]").get_attribute("data-last-tap-ms")))
    return added


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_thirty_doors_offline_then_sent_once(page, live_app, live_user, lang):
    app, base = live_app
    email = f"lea-{lang}@example.org"
    canvasser(app, live_user, email, lang)
    ids = make_block_turf(app, email, doors=36)
    residents_before = counts(app)[1]
    open_turf_online(page, base, email, ids["turf"], look=lang == "en")
    if lang == "en":  # once is enough for what does not depend on the language
        screenshot(page, "canvass-walk-list")
        assert_accessible(page)
    context = page.context
    context.set_offline(True)
    page.get_by_test_id("door").first.locator("h3 a").click()
    page.wait_for_url(f"{base}/canvass/door/{ids['households'][0]}")
    assert_results_above_the_fold(page)
    screenshot(page, f"canvass-door-{lang}")
    if lang == "en":
        assert_accessible(page)
    tap_ms, new_people = [], 0
    for n in range(30):
        new_people += log_door(page, n, tap_ms)
    assert new_people == 2
    assert WORDS[lang]["waiting"] in page.get_by_test_id("canvass-pending").inner_text()
    assert counts(app)[0] == 0
    print(f"\n[{lang}] tap -> next door drawn, offline: median {statistics.median(tap_ms)} ms, max {max(tap_ms)} ms")
    assert max(tap_ms) < 500

    # Close the page, reopen it with no signal: the walk list and the 30 waiting knocks are still there.
    page.close()
    page = context.new_page()
    page.viewport_name = "phone"
    page.goto(f"{base}/canvass/turf/{ids['turf']}")
    page.wait_for_selector("[data-testid=canvass-app][data-ready='1']")
    assert page.get_by_test_id("door").count() == 36
    assert WORDS[lang]["waiting"] in page.get_by_test_id("canvass-pending").inner_text()
    if lang == "en":
        screenshot(page, "canvass-offline-pending")

    # The network returns, but the first answer is lost on the way back (the server did record the batch).
    cut = {"done": False}

    def lose_first_answer(route):
        if cut["done"]:
            route.continue_()
            return
        route.fetch()
        cut["done"] = True
        route.abort("connectionreset")

    context.route("**/canvass/api/sync", lose_first_answer)
    context.set_offline(False)
    for _ in range(100):
        if cut["done"]:
            break
        page.wait_for_timeout(50)
    page.wait_for_function("() => !document.querySelector('[data-testid=canvass-send]').hidden")
    assert page.locator("[data-testid=canvass-app]").get_attribute("data-pending") == "30"
    assert counts(app)[0] == 20  # the first batch of 20 was recorded; the phone did not hear it
    page.get_by_test_id("canvass-send").click()
    page.wait_for_function("() => document.querySelector('[data-testid=canvass-app]').dataset.pending === '0'")
    assert WORDS[lang]["sent"] in page.get_by_test_id("canvass-pending").inner_text()
    knocks, residents, links, households = counts(app)
    assert (knocks, households, residents - residents_before) == (30, 30, 2)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CanvassReceipt)) == 30
        assert set(db.session.scalars(select(Issue.name))) >= {"Ascenseur en panne", "Punaises de lit", "Chauffage"}
        assert links == 20  # 10 conversations, each with a tapped and a typed issue
        assert db.session.scalar(select(func.count()).where(DoorKnock.result == "talked")) == 10
    context.unroute("**/canvass/api/sync")


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_conflicts_are_shown_on_the_phone_and_sign_out_wipes(page, live_app, live_user):
    app, base = live_app
    email = "karim@example.org"
    canvasser(app, live_user, email, "en")
    ids = make_block_turf(app, email, doors=12)
    doors, residents = ids["households"], ids["residents"]
    open_turf_online(page, base, email, ids["turf"])
    context = page.context
    context.set_offline(True)
    # One tap on the walk list: not home, and the list moves on.
    page.get_by_test_id("door").nth(1).locator("[data-result=not_home]").click()
    # Two conversations with people whose record changes meanwhile.
    for household in (doors[0], doors[4]):
        page.goto(f"{base}/canvass/door/{household}")
        page.get_by_test_id("result-talked").click()
        page.locator(f"input[name=answered][value='{residents[household]}']").check()
        page.get_by_test_id("save-next").click()
        page.wait_for_function(f"() => !location.pathname.endsWith('/door/{household}')")
    # "Back" takes the last one off the queue (it was never sent).
    page.get_by_test_id("undo").click()
    page.wait_for_url(f"{base}/canvass/door/{doors[4]}")
    page.get_by_test_id("result-talked").click()
    page.locator(f"input[name=answered][value='{residents[doors[4]]}']").check()
    page.get_by_test_id("save-next").click()
    page.wait_for_function(f"() => !location.pathname.endsWith('/door/{doors[4]}')")
    # The count is redrawn once the queue is written (after the next door opens): wait for it, up to 30 s.
    page.wait_for_selector("[data-testid=canvass-app][data-pending='3']", state="attached")
    with app.app_context():
        db.session.delete(db.session.get(Resident, residents[doors[0]]))
        db.session.get(Resident, residents[doors[4]]).do_not_contact = True
        db.session.commit()
    context.set_offline(False)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=refused-item]').length === 2")
    reasons = page.locator("[data-testid=refused-item]").evaluate_all("items => items.map(i => i.dataset.reason)")
    assert sorted(reasons) == ["do_not_contact", "resident_erased"]
    text = page.get_by_test_id("canvass-refused").inner_text()
    assert "Not accepted by the server" in text and "asked not to be contacted" in text and "no longer on file" in text
    assert counts(app)[0] == 1
    screenshot(page, "canvass-refused")

    # The turf is withdrawn while the phone is offline: its knock is refused, the turf leaves the phone.
    context.set_offline(True)
    page.goto(f"{base}/canvass/door/{doors[5]}")
    page.get_by_test_id("result-not_home").click()
    with app.app_context():
        db.session.execute(db.delete(TurfAssignment))
        db.session.commit()
    context.set_offline(False)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=refused-item]').length === 3")
    assert "no longer in one of your turfs" in page.get_by_test_id("canvass-refused").inner_text()
    assert page.evaluate("() => canvassStore.keys('turfs')") == []
    assert counts(app)[0] == 1
    # Removing a refused knock is the canvasser's explicit choice.
    page.locator("[data-testid=refused-item] [data-action=discard]").first.click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=refused-item]').length === 2")

    # An office page opened on the same phone is never stored: the worker keeps the app's shell only.
    page.goto(f"{base}/turfs/")
    page.goto(f"{base}/canvass/")
    page.wait_for_selector("[data-testid=canvass-app][data-ready='1']")
    cached = page.evaluate(
        "async () => { const out = []; for (const name of await caches.keys()) {"
        " for (const r of await (await caches.open(name)).keys()) out.push(new URL(r.url).pathname); } return out; }"
    )
    assert "/canvass/" in cached and all(p.startswith(("/static/", "/canvass/")) for p in cached), cached
    assert not any(p.startswith(("/turfs", "/canvass/api")) for p in cached)

    # Sign-out: the phone forgets everything it kept.
    page.once("dialog", lambda dialog: dialog.accept())
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{base}/login")
    names = page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")
    assert "organizer-canvass" not in names


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_kept_turfs_are_wiped_at_assignment_end_after_offline_days_and_at_any_sign_out(page, live_app, live_user):
    app, base = live_app
    email = "fatou@example.org"
    canvasser(app, live_user, email, "en")
    ids = make_block_turf(app, email, doors=8)
    open_turf_online(page, base, email, ids["turf"])
    # Nobody home on the whole ground floor: one tap, a knock for each of its doors but the "do not knock" one.
    page.get_by_test_id("whole-floor").first.click()
    for _ in range(100):
        if counts(app)[0] == 3:
            break
        page.wait_for_timeout(50)
    with app.app_context():
        knocks = db.session.scalars(select(DoorKnock)).all()
        assert sorted(k.household_id for k in knocks) == sorted(
            h for h in ids["households"][:4] if h != ids["households"][2]
        )
        assert {k.result for k in knocks} == {"not_home"}
    # "Back" within the minute takes the three knocks back from the server too.
    page.get_by_test_id("undo").click()
    page.get_by_test_id("undo-result").wait_for()
    assert page.get_by_test_id("undo-result").inner_text() == "Undone."
    assert counts(app)[0] == 0
    page.context.set_offline(True)
    # The assignment ends (on the phone's calendar): the turf's names leave the phone at the next opening.
    page.evaluate(
        "async id => { const t = await canvassStore.get('turfs', id); t.until = '2000-01-01';"
        " await canvassStore.put('turfs', id, t); }",
        ids["turf"],
    )
    page.goto(f"{base}/canvass/")
    page.wait_for_selector("[data-testid=canvass-app][data-ready='1']")
    assert page.evaluate("() => canvassStore.keys('turfs')") == []
    assert "assignment has ended" in page.get_by_test_id("canvass-notices").inner_text()
    # Three days without reaching the server: everything kept is wiped.
    page.context.set_offline(False)
    page.goto(f"{base}/canvass/")
    page.wait_for_selector("[data-testid=canvass-app][data-ready='1']")
    assert page.evaluate("() => canvassStore.keys('turfs')") == [ids["turf"]]
    page.context.set_offline(True)
    page.evaluate("() => canvassStore.put('meta', 'contact', Date.now() - 4 * 86400000)")
    page.goto(f"{base}/canvass/turf/{ids['turf']}")
    page.wait_for_selector("[data-testid=canvass-app][data-ready='1']")
    assert page.evaluate("() => canvassStore.keys('turfs')") == []
    assert "no connection for too many days" in page.get_by_test_id("canvass-notices").inner_text()

    # Signing out from an office page: the service worker deletes the kept turfs as the request leaves.
    page.context.set_offline(False)
    page.goto(f"{base}/canvass/")
    page.wait_for_selector("[data-testid=canvass-app][data-ready='1']")
    assert page.evaluate("() => canvassStore.keys('turfs')") == [ids["turf"]]
    page.goto(f"{base}/turfs/")
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{base}/login")
    kept = page.evaluate(
        """() => new Promise((resolve) => { const r = indexedDB.open("organizer-canvass");
        r.onsuccess = () => { const t = r.result.transaction("turfs").objectStore("turfs").count();
        t.onsuccess = () => { resolve(t.result); r.result.close(); }; }; })"""
    )
    assert kept == 0


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_walk_list_shows_the_turf_on_a_map_with_my_position_never_sent(page, live_app, live_user):
    app, base = live_app
    email = "ines@example.org"
    canvasser(app, live_user, email, "fr")
    ids = make_block_turf(app, email, doors=8)
    with app.app_context():  # the block stands in Mont-Bonvillers
        addresses = select(Household.address_id).where(Household.id.in_(ids["households"]))
        db.session.execute(update(Address).where(Address.id.in_(addresses)).values(lat=49.2871, lon=5.9533))
        db.session.commit()
    # The phone's position, given by a stand-in for the browser's geolocation (headless Chromium's own
    # emulation does not answer under this suite's flags).
    page.add_init_script(
        "navigator.geolocation.watchPosition = (ok) => { setTimeout(() => ok({coords: {latitude: 49.28765,"
        " longitude: 5.95391, accuracy: 12}}), 50); return 1; };"
    )
    open_turf_online(page, base, email, ids["turf"])
    sent = []
    page.on("request", lambda request: sent.append(f"{request.url} {request.post_data or ''}"))
    page.get_by_test_id("show-on-map").click()
    page.wait_for_url(f"{base}/turfs/{ids['turf']}?position=1#turf-map")
    page.wait_for_selector("#turf-map[data-doors='8']")
    page.wait_for_selector("#turf-map .map-position")  # the phone's own position, drawn on the map
    assert not [line for line in sent if "49.2876" in line or "5.9539" in line]
    screenshot(page, "canvass-map-position")
