"""Fixtures for campaigns: a campaign with a target and an action, built with the services."""

from datetime import UTC, datetime, timedelta

import pytest

from organizer.auth.models import User
from organizer.campaigns import services
from organizer.campaigns.models import Campaign
from organizer.extensions import db


@pytest.fixture
def campaign_world(app, make_user):
    """An organizer, a leader on the team, another leader, a canvasser; a campaign with actors and an action."""
    organizer_id, organizer = make_user("organizer", email="orga@example.org", name="Nadia Organizer")
    leader_id, leader = make_user("leader", email="lead@example.org", name="Julien Leader")
    outsider_id, outsider = make_user("leader", email="other-lead@example.org", name="Other Leader")
    _canvasser_id, canvasser = make_user("canvasser", email="canvas@example.org", name="Léa Canvasser")
    with app.app_context():
        org_user = db.session.get(User, organizer_id)
        mayor = services.save_actor(None, {"name": "Mme la Maire", "kind": "person", "influence": 5, "stance": 2})
        landlord = services.save_actor(None, {"name": "Bailleur Habitat", "kind": "body", "influence": 4, "stance": -2})
        campaign = services.save_campaign(
            None,
            {"name": "Rénovation des Acacias", "status": "active", "long_term_goals": "Des logements dignes"},
            by=org_user,
            lead_id=leader_id,
            team_ids=[],
            issue_ids=[],
            stakeholders=[services.StakeholderRow(kind="constituent", who="Locataires des Acacias")],
            primary_target_id=landlord.id,
            secondary_target_ids=[mayor.id],
        )
        action = services.save_action(
            None,
            campaign,
            {
                "kind": "delegation",
                "title": "Délégation chez le bailleur",
                "starts_at": datetime.now(UTC).replace(microsecond=0) + timedelta(days=3),
                "ends_at": datetime.now(UTC).replace(microsecond=0) + timedelta(days=3, hours=1),
                "place": "12 rue de la Gare",
                "target_actor_id": landlord.id,
                "turnout_goal": 20,
            },
            [services.DemandRow(text="Un calendrier des travaux", answer="no_answer")],
            by=org_user,
        )
        db.session.commit()
        ids = {
            "campaign": campaign.id,
            "action": action.id,
            "mayor": mayor.id,
            "landlord": landlord.id,
            "organizer_id": organizer_id,
            "leader_id": leader_id,
            "outsider_id": outsider_id,
        }
    return {**ids, "organizer": organizer, "leader": leader, "outsider": outsider, "canvasser": canvasser}


def get_campaign(campaign_id: int) -> Campaign:
    db.session.expire_all()
    return services.load_campaign(campaign_id)
