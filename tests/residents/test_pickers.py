"""Resident pickers tell namesakes apart: the street of their door and the end of their phone."""

from organizer.extensions import db
from organizer.residents import services


def test_two_namesakes_are_told_apart_in_every_picker(app, client, people):
    with app.app_context():
        services.create_resident(
            {"first_name": "Hélène", "last_name": "Dupont", "phone": "07 88 99 00 41", "data_source": "x"},
            address={"number": "3", "street": "Allée des Acacias"},
        )
        db.session.commit()
    client.login(people["organizer"])
    labels = sorted(r["label"] for r in client.get("/conversations/residents.json?q=helene dupont").get_json())
    assert labels == ["Hélène Dupont — 12 bis Rue Joffre · …78", "Hélène Dupont — 3 Allée des Acacias · …41"]
    # The no-JavaScript picker on the one-on-one form lists the same labels.
    page = client.get("/conversations/one-on-ones/new?resident_id_q=dupont").get_data(as_text=True)
    assert "Hélène Dupont — 12 bis Rue Joffre · …78" in page and "Hélène Dupont — 3 Allée des Acacias · …41" in page
