"""The home page's first-run steps and the upcoming actions and meetings."""

from datetime import UTC, datetime, timedelta

from organizer.campaigns.models import Action, Campaign
from organizer.extensions import db
from organizer.meetings import services as meetings
from organizer.residents.models import Address


def test_getting_started_leads_an_empty_organization_then_goes_away(app, client, admin, make_user):
    client.login(admin[1])
    page = client.get("/").get_data(as_text=True)
    assert "Getting started" in page
    assert page.index("Import your addresses") < page.index("Cut a turf") < page.index("Print the walk sheet")
    assert 'class="next"' in page and page.count('class="done"') == 0
    with app.app_context():
        db.session.add(Address(number=1, street="Rue Joffre", street_key="rue joffre"))
        db.session.commit()
    make_user("canvasser")
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="done"') == 2  # addresses imported, team invited
    canvasser = app.test_client()
    canvasser.login("canvasser-1@example.org")
    assert "Getting started" not in canvasser.get("/").get_data(as_text=True)


def test_upcoming_actions_and_meetings_on_the_home_page(app, client, make_user):
    _id, email = make_user("organizer")
    soon = datetime.now(UTC) + timedelta(days=3)
    with app.app_context():
        campaign = Campaign(name="Rénovation des Acacias", status="active")
        db.session.add(campaign)
        db.session.flush()
        db.session.add(
            Action(campaign_id=campaign.id, kind="delegation", title="Délégation chez le maire", starts_at=soon)
        )
        meetings.create_meeting("Réunion de préparation", soon + timedelta(days=1))
        db.session.commit()
    client.login(email)
    page = client.get("/").get_data(as_text=True)
    assert "Upcoming actions" in page and "Délégation chez le maire" in page
    assert "Upcoming meetings" in page and "Réunion de préparation" in page


def test_new_organization_sees_no_empty_charts(app, client, admin):
    """Before the first conversation the home page shows the steps to take, not charts of zeros."""
    from organizer.conversations.models import DoorKnock
    from organizer.residents.models import Household, Resident

    client.login(admin[1])
    page = client.get("/").get_data(as_text=True)
    assert "Getting started" in page
    assert "chart-conversations-title" not in page and "chart-outcomes-title" not in page
    assert "chart-ladder-title" not in page
    with app.app_context():
        address = Address(number=1, street="Rue Joffre", street_key="rue joffre")
        db.session.add(address)
        db.session.flush()
        household = Household(address_id=address.id)
        db.session.add(household)
        db.session.flush()
        db.session.add(DoorKnock(household_id=household.id, result="talked"))
        db.session.add(Resident(first_name="Awa", last_name="Diallo", household_id=household.id, data_source="t"))
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "chart-conversations-title" in page and "chart-outcomes-title" in page
    assert "chart-ladder-title" in page
