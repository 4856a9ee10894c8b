"""Door codes and entry notes: kept on the address, shown to those who may see the door, printed only on
the sheet of the canvasser assigned to the turf."""

import io

from pypdf import PdfReader

from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _set_code(app, client, people, code="4590B"):
    with app.app_context():
        helene = db.session.get(Resident, people["helene"])
        version = helene.version
    response = client.post_form(
        f"/residents/{people['helene']}/edit",
        {
            "first_name": "Hélène",
            "last_name": "Dupont",
            "phone": "06 12 34 56 78",
            "data_source": "Porte-à-porte",
            "leadership_stage": "contact",
            "version": version,
            "number": "12 bis",
            "street": "Rue Joffre",
            "city": "Mont-Bonvillers",
            "access_notes": f"Digicode {code}, interphone Dupont",
        },
    )
    assert response.status_code == 302


def test_code_is_kept_on_the_door_and_shown_to_those_who_see_it(app, client, people):
    client.login(people["organizer"])
    _set_code(app, client, people)
    with app.app_context():
        household_id = db.session.get(Resident, people["helene"]).household_id
        address = db.session.get(Address, db.session.get(Household, household_id).address_id)
        assert address.access_notes == "Digicode 4590B, interphone Dupont"
    assert "Digicode 4590B" in client.get(f"/residents/{people['helene']}").get_data(as_text=True)
    assert 'value="Digicode 4590B, interphone Dupont"' in client.get(f"/residents/{people['helene']}/edit").get_data(
        as_text=True
    )
    canvasser = app.test_client()
    canvasser.login(people["canvasser"])  # assigned to the Joffre turf
    assert "Digicode 4590B" in canvasser.get(f"/residents/households/{household_id}").get_data(as_text=True)


def test_only_the_assigned_canvassers_own_sheet_prints_the_code(app, client, people):
    client.login(people["organizer"])
    _set_code(app, client, people)
    office = _pdf_text(client.get(f"/turfs/{people['turf']}/walk-sheet.pdf").data)
    assert "Dupont" in office and "4590B" not in office
    canvasser = app.test_client()
    canvasser.login(people["canvasser"])
    own = _pdf_text(canvasser.get(f"/turfs/{people['turf']}/walk-sheet.pdf").data)
    assert "Dupont" in own and "4590B" in own
