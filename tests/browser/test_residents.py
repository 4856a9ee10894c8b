"""Search a resident, open their page, edit them: in a real browser at desktop and phone size."""

import re

import pytest

from organizer.extensions import db
from organizer.residents import services
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_login_flow import sign_in

pytestmark = pytest.mark.browser


def test_search_open_and_edit(page, live_app, live_user):
    app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    with app.app_context():
        services.create_resident(
            {"first_name": "Hélène", "last_name": "Dupont", "data_source": "Porte-à-porte"},
            address={"number": "12 bis", "street": "Rue Joffre"},
        )
        services.create_resident({"first_name": "Marc", "last_name": "Lefèvre", "data_source": "Réunion"})
        db.session.commit()
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/residents/")
    page.get_by_test_id("resident-search").fill("helene")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Dupont Hélène").is_visible()
    assert page.get_by_role("link", name="Lefèvre Marc").count() == 0
    screenshot(page, "residents-search")
    page.get_by_role("link", name="Dupont Hélène").click()
    assert page.get_by_role("heading", name="Hélène Dupont").is_visible()
    assert page.get_by_role("heading", name="Timeline").is_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Phone", exact=True).fill("06 12 34 56 78")
    page.get_by_label("Do not contact").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("Saved.").is_visible()
    assert page.get_by_text("This person asked not to be contacted").is_visible()
    assert page.get_by_text("Edited by Nadia Benali").is_visible()
    screenshot(page, "resident-page")


@pytest.mark.parametrize("page", ["desktop"], indirect=True)  # an office task, with a real worker process
def test_web_import_with_progress(page, live_app, live_user, live_worker, tmp_path):
    from tests.residents.conftest import NATIONBUILDER

    app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    path = tmp_path / "nationbuilder.csv"
    path.write_text(NATIONBUILDER, encoding="utf-8")
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/residents/import")
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    # The check runs in a worker process; the job page polls and shows the report when it is over.
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    page.get_by_role("heading", name="The check is done: nothing has been written yet.").wait_for(timeout=60_000)
    assert page.get_by_test_id("created-residents").inner_text() == "3"
    assert_accessible(page)
    page.get_by_label("Data source recorded on each resident").fill("NationBuilder 2026")
    page.get_by_test_id("confirm-import").click()
    page.get_by_role("heading", name="Import done").wait_for(timeout=60_000)
    assert page.evaluate("document.activeElement.id") == "job-message"  # announced once it is ready
    assert_accessible(page)
    screenshot(page, "residents-import-done")
    page.get_by_role("link", name="Back to the residents").click()
    page.wait_for_url(f"{base}/residents/")
    page.goto(f"{base}/residents/?q=helene")
    assert page.get_by_role("link", name="Durand Hélène").is_visible()
