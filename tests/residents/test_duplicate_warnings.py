"""Duplicates caught on the way in: the resident form warns before adding a look-alike."""

from sqlalchemy import func, select

from organizer.extensions import db
from organizer.residents import duplicates
from organizer.residents.models import Resident


def _new(client, **values):
    data = {
        "first_name": "",
        "last_name": "",
        "data_source": "À la main",
        "consent_basis": "legitimate_interest",
        "purpose": "Organisation",
        "leadership_stage": "contact",
        **values,
    }
    return client.post_form("/residents/new", data)


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Resident))


def test_same_name_without_accents_same_phone_same_door_is_caught_then_confirmed(app, client, people):
    client.login(people["organizer"])
    before = _count(app)
    response = _new(
        client, first_name="Helene", last_name="DUPONT", phone="+33 6 12 34 56 78", number="12bis", street="r. Joffre"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="duplicate-warning"' in page
    assert f'href="/residents/{people["helene"]}"' in page
    assert "same name, same phone, same door" in page and "phone ending in 78" in page
    assert _count(app) == before
    # The person checked: someone else, saved anyway.
    response = _new(client, first_name="Helene", last_name="DUPONT", phone="0612345678", not_a_duplicate="y")
    assert response.status_code == 302 and _count(app) == before + 1


def test_same_email_in_capitals_and_swapped_names_are_caught(app, client, people):
    client.login(people["organizer"])
    page = _new(client, first_name="Jean", last_name="Autre", email="MARC@example.org").get_data(as_text=True)
    assert "same e-mail" in page and f'/residents/{people["marc"]}"' in page
    page = _new(client, first_name="Lefevre", last_name="Marc").get_data(as_text=True)
    assert "same name" in page


def test_someone_new_is_saved_without_a_question(app, client, people):
    client.login(people["organizer"])
    response = _new(client, first_name="Amina", last_name="Diallo", phone="07 88 99 00 11")
    assert response.status_code == 302


def test_a_last_name_alone_is_not_a_match(app, people):
    with app.app_context():
        found = duplicates.likely_duplicates(db.select(Resident), first_name="", last_name="Dupont")
        assert found == []


def test_import_index_matches_phone_email_and_name(app, people):
    with app.app_context():
        index = duplicates.Index()
        assert index.match("X", "Y", "+33612345678", None) == (people["helene"], "phone")
        assert index.match("X", "Y", None, "Marc@Example.org") == (people["marc"], "email")
        assert index.match("HELENE", "dupont", None, None) == (people["helene"], "name")
        assert index.match("Nobody", "Known", "+33799999999", "n@example.org") is None
