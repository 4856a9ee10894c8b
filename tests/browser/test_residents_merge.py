"""Two records of one person, found by the duplicates page, compared side by side and merged on a phone in
French, then the merge undone from the kept record's page: both people are back, each with their own history."""

import pytest
from sqlalchemy import func, select

from organizer.auth.models import User
from organizer.extensions import db
from organizer.residents import services
from organizer.residents.models import Resident
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_login_flow import sign_in

pytestmark = pytest.mark.browser


def _two_records_of_helene(app) -> tuple[int, int]:
    with app.app_context():
        typed = services.create_resident(
            {"first_name": "Hélène", "last_name": "André", "phone": "06 99 66 01 29", "data_source": "Porte-à-porte"},
            address={"number": "21", "street": "rue Monety"},
        )
        imported = services.create_resident(
            {
                "first_name": "Helene",
                "last_name": "ANDRE",
                "phone": "07 11 22 33 44",
                "email": "helene.andre@example.org",
                "data_source": "Liste électorale",
            },
            address={"number": "21", "street": "Rue Monety"},
        )
        db.session.commit()
        return typed.id, imported.id


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_compare_merge_then_undo_in_french_on_a_phone(page, live_app, live_user):
    app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).locale = "fr"
        db.session.commit()
    typed, imported = _two_records_of_helene(app)
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/residents/duplicates")
    assert page.get_by_role("heading", name="Doublons possibles").is_visible()
    page.get_by_test_id(f"merge-{typed}-{imported}").first.click()
    page.wait_for_url(f"{base}/residents/merge?*")
    assert page.get_by_role("heading", name="Comparer et fusionner").is_visible()
    assert_accessible(page)
    # Field by field: the imported record's phone and e-mail, the typed record's spelling of the name.
    page.get_by_test_id("choice-phone-other").check()
    assert page.get_by_test_id("choice-first_name-keep").is_checked()
    screenshot(page, "residents-merge-compare")
    page.get_by_test_id("merge-confirm").click()
    page.wait_for_url(f"{base}/residents/{typed}")
    undo = page.get_by_test_id("merge-undo")
    assert "Helene ANDRE a été fusionné·e dans cette fiche le" in undo.inner_text()
    assert "07 11 22 33 44" in page.locator("main").inner_text()  # the chosen phone, shown the French way
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resident)) == 1
    undo.get_by_role("button").click()
    page.wait_for_url(f"{base}/residents/{imported}")  # the person given back their own record
    assert page.get_by_text("Fusion annulée").is_visible()
    assert page.get_by_test_id("merge-undo").count() == 0
    with app.app_context():
        back = db.session.get(Resident, imported)
        assert (back.first_name, back.last_name, back.email) == ("Helene", "ANDRE", "helene.andre@example.org")
        assert db.session.get(Resident, typed).first_name == "Hélène"
