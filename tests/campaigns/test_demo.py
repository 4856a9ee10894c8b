"""The demo campaign loads once, with its power map, local bodies and an evaluated action."""

from sqlalchemy import func, select

from organizer.campaigns import services
from organizer.campaigns.models import Action, Actor, Campaign, LocalBody
from organizer.extensions import db


def test_demo_campaign_is_complete_and_idempotent(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Campaign.id))) == 1
        assert db.session.scalar(select(func.count(Action.id))) == 3
        assert db.session.scalar(select(func.count(Actor.id))) == 7
        levels = set(db.session.scalars(select(LocalBody.level)))
        assert levels == {"commune", "intercommunalite", "departement", "region"}
        campaign = services.load_campaign(db.session.scalar(select(Campaign.id)))
        assert campaign.name == "Rénovation de la résidence des Acacias"
        assert campaign.lead.email == "responsable@demo.organizer.test"
        assert len(campaign.campaign_actors) == 7
        evaluated = [a for a in campaign.actions if a.evaluated_at]
        assert len(evaluated) == 1 and evaluated[0].power_changes
        assert {a.kind for a in campaign.actions} == {"research_action", "public_meeting", "delegation"}


def test_demo_campaign_prints_on_one_page(app, client, runner):
    import io

    from pypdf import PdfReader

    runner.invoke(args=["demo", "load"])
    client.login("organisatrice@demo.organizer.test", "demo-organizer-2026")
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
    response = client.get(f"/campaigns/{campaign_id}/print.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Thierry Vasseur" in text and "Amicale des locataires CNL" in text
