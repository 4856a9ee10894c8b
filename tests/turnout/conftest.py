"""Fixtures: a real SMTP server on the loopback, and the app pointed at it."""

import pytest

from tests.conftest import make_test_app, reset_schema
from tests.turnout.smtp import SmtpServer


@pytest.fixture
def smtp():
    """A collecting SMTP server on 127.0.0.1 (aiosmtpd)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(database_uri, tmp_path, smtp):
    """The app with jobs inline and e-mail going to the loopback server."""
    from organizer.extensions import db

    app = make_test_app(
        database_uri, JOBS_RUN_INLINE=True, PUBLIC_URL="https://organizer.example.org/", **smtp.config()
    )
    app.instance_path = str(tmp_path / "instance")
    reset_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(app, make_user):
    """An organizer, two callers, the organization's contact, a campaign and an action in three days."""
    from datetime import UTC, datetime, timedelta

    from organizer.auth.models import User
    from organizer.campaigns import services
    from organizer.core.models import Organization
    from organizer.extensions import db

    organizer_id, organizer = make_user("organizer", email="orga@example.org", name="Nadia Organizer")
    leader_id, leader = make_user("leader", email="lead@example.org", name="Julien Leader")
    canvasser_id, canvasser = make_user("canvasser", email="canvas@example.org", name="Léa Canvasser")
    with app.app_context():
        db.session.add(Organization(name="Union des locataires", city="Nancy", contact_email="contact@union.example"))
        org_user = db.session.get(User, organizer_id)
        landlord = services.save_actor(None, {"name": "Bailleur Habitat", "kind": "body", "influence": 4, "stance": -2})
        campaign = services.save_campaign(
            None,
            {"name": "Rénovation des Acacias", "status": "active"},
            by=org_user,
            lead_id=leader_id,
            team_ids=[canvasser_id],
            issue_ids=[],
            stakeholders=[],
            primary_target_id=landlord.id,
            secondary_target_ids=[],
        )
        starts = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=3)
        action = services.save_action(
            None,
            campaign,
            {
                "kind": "delegation",
                "title": "Délégation chez le bailleur",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=1),
                "place": "12 rue de la Gare",
                "target_actor_id": landlord.id,
                "turnout_goal": 30,
            },
            [services.DemandRow(text="Un calendrier des travaux", answer="no_answer")],
            by=org_user,
        )
        db.session.commit()
        return {
            "action": action.id,
            "campaign": campaign.id,
            "organizer_id": organizer_id,
            "organizer": organizer,
            "leader_id": leader_id,
            "leader": leader,
            "canvasser_id": canvasser_id,
            "canvasser": canvasser,
        }


@pytest.fixture
def published(app, client, world):
    """The action's public page, published by the organizer through the page; returns its path (/s/<code>)."""
    client.login(world["organizer"])
    client.post_form(f"/campaigns/actions/{world['action']}/public-page", {"publish": "1"})
    client.post_form("/logout")
    from organizer.extensions import db
    from organizer.turnout.models import SignupPage

    with app.app_context():
        return "/s/" + db.session.scalar(db.select(SignupPage.code))
