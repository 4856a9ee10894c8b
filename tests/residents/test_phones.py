"""Phones: stored in E.164 whatever was typed, shown in the organization's national form."""

from organizer.extensions import db
from organizer.residents.models import Resident


def test_pages_show_the_national_form_and_the_form_stores_e164(app, client, people):
    client.login(people["organizer"])
    page = client.get(f"/residents/{people['helene']}").get_data(as_text=True)
    assert "06 12 34 56 78" in page and "+33612345678" not in page
    listing = client.get("/residents/?q=helene").get_data(as_text=True)
    assert "06 12 34 56 78" in listing and "+33612345678" not in listing
    edit = client.get(f"/residents/{people['helene']}/edit").get_data(as_text=True)
    assert 'value="06 12 34 56 78"' in edit
    with app.app_context():
        version = db.session.get(Resident, people["helene"]).version
    response = client.post_form(
        f"/residents/{people['helene']}/edit",
        {
            "first_name": "Hélène",
            "last_name": "Dupont",
            "phone": "06.12.34.56.78",
            "phone_alt": "+32 470 12 34 56",
            "data_source": "Porte-à-porte",
            "leadership_stage": "contact",
            "version": version,
            "street": "Rue Joffre",
            "number": "12 bis",
            "city": "Mont-Bonvillers",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        helene = db.session.get(Resident, people["helene"])
        assert (helene.phone, helene.phone_alt) == ("+33612345678", "+32470123456")
    page = client.get(f"/residents/{people['helene']}").get_data(as_text=True)
    assert "+32 470 12 34 56" in page


def test_a_number_that_is_not_one_is_refused_with_a_message(client, people):
    client.login(people["organizer"])
    response = client.post_form(
        "/residents/new",
        {
            "first_name": "Ali",
            "last_name": "Haddad",
            "phone": "06 12",
            "data_source": "x",
            "consent_basis": "consent",
            "purpose": "Organisation",
            "leadership_stage": "contact",
        },
    )
    assert response.status_code == 200 and "Not a phone number we can read" in response.get_data(as_text=True)


def test_country_setting_reads_north_american_numbers(app, client, people):
    app.config["COUNTRY"] = "CA"
    client.login(people["organizer"])
    response = client.post_form(
        "/residents/new",
        {
            "first_name": "Marie",
            "last_name": "Tremblay",
            "phone": "(514) 555-0199",
            "data_source": "x",
            "consent_basis": "consent",
            "purpose": "Organisation",
            "leadership_stage": "contact",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "(514) 555-0199" in page
    with app.app_context():
        assert db.session.scalar(db.select(Resident.phone).where(Resident.last_name == "Tremblay")) == "+15145550199"
