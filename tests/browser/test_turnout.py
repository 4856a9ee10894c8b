"""A neighbour signs up from a flyer on a phone (French); the organizer sees turnout rise, calls the list on a
phone and marks outcomes; the confirmation really leaves by SMTP."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from organizer.auth import services as auth_services
from organizer.auth.models import User
from organizer.campaigns import services as campaigns
from organizer.campaigns.models import Action, Attendee
from organizer.extensions import db
from organizer.residents import services as residents
from organizer.signup import services as signup
from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD, make_test_app, reset_schema
from tests.turnout.smtp import SmtpServer, bodies

pytestmark = pytest.mark.browser


@pytest.fixture
def turnout_site(tmp_path):
    """A live app with jobs inline, e-mail to a loopback SMTP server, an organizer, a published action."""
    smtp = SmtpServer()
    smtp.start()
    app = make_test_app(f"sqlite:///{tmp_path / 'live.sqlite3'}", TESTING=False, JOBS_RUN_INLINE=True, **smtp.config())
    app.instance_path = str(tmp_path / "instance")
    reset_schema(app)
    with app.app_context():
        user, _ = auth_services.create_user("nadia@example.org", "Nadia Organizer", "organizer", password=PASSWORD)
        db.session.flush()
        campaign = campaigns.save_campaign(
            None,
            {"name": "Rénovation des Acacias", "status": "active"},
            by=user,
            lead_id=user.id,
            team_ids=[],
            issue_ids=[],
            stakeholders=[],
            primary_target_id=None,
            secondary_target_ids=[],
        )
        starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=4)
        action = campaigns.save_action(
            None,
            campaign,
            {
                "kind": "public_meeting",
                "title": "Assemblée des locataires",
                "starts_at": starts,
                "place": "Salle Jean Jaurès",
                "turnout_goal": 10,
            },
            [campaigns.DemandRow(text="Des travaux avant l’hiver", answer="no_answer")],
            by=user,
        )
        invited = residents.create_resident(
            {"first_name": "Karim", "last_name": "Haddad", "phone": "0611223344", "data_source": "porte-à-porte"}
        )
        db.session.add(Attendee(action_id=action.id, resident_id=invited.id, consent=True))
        page = signup.set_published(db.session.get(Action, action.id), True)
        db.session.commit()
        ids = {"action": action.id, "code": page.code, "user": db.session.get(User, user.id).id}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}", ids, smtp
    server.shutdown()
    smtp.stop()
    with app.app_context():
        db.engine.dispose()


def test_neighbour_signs_up_on_a_phone_and_the_organizer_calls_the_list(turnout_site, open_page):
    app, base, ids, smtp = turnout_site
    # The organizer watches the action page (desktop, French).
    office = open_page("desktop", "fr-FR")
    office.goto(f"{base}/login")
    office.get_by_label("E-mail").fill("nadia@example.org")
    office.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    office.get_by_role("button", name="Se connecter").click()
    office.wait_for_url(f"{base}/")
    office.goto(f"{base}/campaigns/actions/{ids['action']}")
    confirmed = office.get_by_test_id("turnout-confirmed")
    assert confirmed.inner_text() == "0"

    # A neighbour scans the flyer's QR code with a phone.
    phone = open_page("phone", "fr-FR")
    phone.goto(f"{base}/s/{ids['code']}")
    assert phone.get_by_role("heading", name="Assemblée des locataires").is_visible()
    assert phone.get_by_text("Des travaux avant l’hiver").is_visible()
    assert_accessible(phone)
    phone.get_by_label("Prénom").fill("Fatou")
    phone.get_by_label("Nom", exact=True).fill("Diallo")
    phone.get_by_label("E-mail").fill("fatou@example.org")
    phone.get_by_label("Combien de personnes, vous compris·e ?").fill("3")
    phone.get_by_role("button", name="Je m’inscris").click()
    # Forgot the consent box: the form comes back with what was typed.
    assert phone.get_by_text("Cochez la case : nous avons besoin de votre accord.").is_visible()
    assert phone.get_by_label("Prénom").input_value() == "Fatou"
    phone.get_by_test_id("consent-text").click()
    screenshot(phone, "turnout-public-signup")
    phone.get_by_role("button", name="Je m’inscris").click()
    assert phone.get_by_test_id("thanks").inner_text() == "Merci, à bientôt !"
    screenshot(phone, "turnout-public-thanks")
    [message] = smtp.collector.to("fatou@example.org")
    assert (
        message["Subject"] == "Vous êtes inscrit·e : Assemblée des locataires" and "Bonjour Fatou" in bodies(message)[0]
    )

    # The organizer's page picks up the three new people without reloading.
    office.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(confirmed).to_have_text("3")

    # The organizer calls the list from a phone.
    caller = open_page("phone", "fr-FR")
    caller.goto(f"{base}/login")
    caller.get_by_label("E-mail").fill("nadia@example.org")
    caller.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    caller.get_by_role("button", name="Se connecter").click()
    caller.wait_for_url(f"{base}/")
    caller.goto(f"{base}/turnout/action/{ids['action']}/calls")
    caller.get_by_role("button", name="Construire et répartir la liste").click()
    assert caller.get_by_text("2 ajouté·es à la liste").is_visible()
    caller.goto(f"{base}/turnout/action/{ids['action']}/calls/mine")
    karim = caller.locator("article.call-card", has=caller.get_by_role("heading", name="Karim Haddad"))
    assert karim.get_by_role("link", name="Appeler +33611223344").get_attribute("href") == "tel:+33611223344"
    karim.get_by_label("Amènera (personnes)").fill("1")
    karim.get_by_label("Note").fill("Vient avec son voisin")
    screenshot(caller, "turnout-my-calls")
    karim.get_by_role("button", name="Vient — Karim Haddad").click()
    assert caller.get_by_text("Karim Haddad : Vient.").is_visible()
    assert caller.get_by_text("Dernier appel : Vient").first.is_visible()
    assert_accessible(caller)

    office.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(confirmed).to_have_text("5")
    office.reload()
    assert office.get_by_test_id("turnout-confirmed").inner_text() == "5"
    screenshot(office, "turnout-action-page")
