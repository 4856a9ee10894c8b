"""A job queued while no worker runs: its page says so (French, phone), then moves on by itself once one starts."""

import re

from organizer.auth import services as auth_services
from organizer.extensions import db
from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD
from tests.support.workers import running_worker


def test_waiting_for_a_worker_then_ready_in_french_on_a_phone(open_page, live_app):
    app, base = live_app
    with app.app_context():
        auth_services.create_user("admin@example.org", "Awa Diallo", "admin", password=PASSWORD)
        db.session.commit()
    page = open_page("phone", "fr-FR")
    page.goto(f"{base}/login")
    page.locator("#email").fill("admin@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/admin/audit/")
    page.get_by_role("button", name="Exporter tout le journal (CSV)").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    waiting = page.locator("#job-waiting")
    assert waiting.is_visible() and waiting.inner_text().startswith("En attente d’un processus de travail")
    assert_accessible(page)
    screenshot(page, "job-waiting-for-a-worker")
    with running_worker(app, 1):
        # No reload by hand: the page polls, hides the warning, and shows the result when it is there.
        page.get_by_text("Votre export est prêt.").wait_for(timeout=60_000)
    assert not page.locator("#job-waiting").count()
    assert page.get_by_role("link", name=re.compile("Télécharger audit-log.csv")).is_visible()
    screenshot(page, "job-ready-after-waiting")
