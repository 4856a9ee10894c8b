"""Demo turfs: cut over the demo addresses, one given to the demo canvasser, idempotent, harmless when empty."""

from sqlalchemy import func, select

from organizer.auth.models import User
from organizer.demo.services import load_demo_data
from organizer.extensions import db
from organizer.turfs import services
from organizer.turfs.models import Turf, TurfAssignment
from tests.turfs.conftest import load_ban_addresses


def test_demo_without_addresses_creates_no_turf(app):
    with app.app_context():
        load_demo_data()
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Turf)) == 0


def test_demo_cuts_turfs_and_assigns_the_canvasser_once(app):
    with app.app_context():
        load_ban_addresses()
        load_demo_data()
        db.session.commit()
        turfs = db.session.scalars(select(Turf)).all()
        assert 4 <= len(turfs) <= 5
        assert sum(len(services.turf_doors(t)) for t in turfs) == 501
        assignment = db.session.scalar(select(TurfAssignment))
        canvasser = db.session.get(User, assignment.user_id)
        assert canvasser.email == "benevole@demo.organizer.test"
        assert (assignment.until - services.local_today()).days >= 59
        load_demo_data()
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Turf)) == len(turfs)
        assert db.session.scalar(select(func.count()).select_from(TurfAssignment)) == 1
