"""The dashboard and the listening report in a real browser: open, drill down, accessible at every step."""

from datetime import UTC, datetime, timedelta

import pytest

from organizer.conversations.models import DoorKnock, Issue
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.turfs.models import Turf
from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def seed(app) -> None:
    """Two turfs; rent raised by three residents (one of them twice), lighting by one."""
    now = datetime.now(UTC) - timedelta(hours=1)
    with app.app_context():
        rent = Issue(name="Loyers trop chers", key="loyers trop chers")
        light = Issue(name="Éclairage public", key="eclairage public")
        db.session.add_all([rent, light])
        for t, (turf_name, street) in enumerate([("Nord", "Rue des Lilas"), ("Sud", "Rue Haute")]):
            turf = Turf(name=turf_name)
            db.session.add(turf)
            db.session.flush()
            for n in range(2):
                address = Address(number=n + 1, street=street, street_key=street.lower(), turf_id=turf.id)
                db.session.add(address)
                db.session.flush()
                household = Household(address_id=address.id)
                db.session.add(household)
                db.session.flush()
                resident = Resident(
                    first_name=f"Habitant{t}{n}", last_name="Test", household_id=household.id, data_source="test"
                )
                db.session.add(resident)
                db.session.flush()
                issues = [rent] if (t, n) != (1, 1) else [light]
                for days in (0, 1) if (t, n) == (0, 0) else (0,):
                    db.session.add(
                        DoorKnock(
                            household_id=household.id,
                            resident_id=resident.id,
                            knocked_at=now - timedelta(days=days),
                            result="talked",
                            note=f"Note de {turf_name} {n}",
                            issues=issues,
                        )
                    )
        db.session.commit()


def test_dashboard_report_and_drill_down(page, live_app, live_user):
    app, base = live_app
    seed(app)
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="Conversations per week").is_visible()
    assert page.locator("svg[role=img]").count() >= 4
    page.get_by_text("Show the numbers").first.click()
    assert page.locator("details.chart-data[open] table").first.is_visible()
    screenshot(page, "dashboard")
    assert_accessible(page)

    page.get_by_role("link", name="What we heard").first.click()
    page.wait_for_url(f"{base}/reports/listening")
    table = page.get_by_test_id("listening-table")
    assert table.locator("tbody tr").first.locator("th").inner_text() == "Loyers trop chers"
    screenshot(page, "listening-report")
    assert_accessible(page)

    page.get_by_role("link", name="Loyers trop chers: 3 residents, see the conversations").click()
    page.wait_for_url(f"{base}/reports/listening/conversations?*")
    assert page.get_by_role("heading", name="Who raised “Loyers trop chers”").is_visible()
    assert page.get_by_test_id("drill-down").locator("li").count() == 4  # 4 knocks behind 3 residents
    screenshot(page, "listening-drill-down")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the report").click()
    page.wait_for_url(f"{base}/reports/listening?*")
    page.get_by_role("link", name="Loyers trop chers in Nord: 2 residents, see the conversations").click()
    assert page.get_by_test_id("drill-down").locator("li").count() == 3
    assert page.get_by_text("Note de Sud").count() == 0
    assert_accessible(page)
