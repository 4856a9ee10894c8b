"""Demo turfs: cut over the demo addresses, one given to the demo canvasser, idempotent, harmless when empty."""

from sqlalchemy import func, select

from organizer.auth.models import User
from organizer.demo.services import load_demo_data
from organizer.extensions import db
from organizer.residents.models import Address
from organizer.turfs import services
from organizer.turfs.models import Turf, TurfAssignment


def test_demo_without_addresses_creates_no_turf(app):
    from organizer.demo.services import DemoReport
    from organizer.turfs import demo

    with app.app_context():
        demo.load(DemoReport())
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Turf)) == 0


def test_demo_cuts_turfs_and_assigns_the_canvasser_once(app):
    with app.app_context():
        # The residents demo (earlier in FEATURES) imports the Mont-Bonvillers addresses the turfs are cut from.
        load_demo_data()
        db.session.commit()
        turfs = db.session.scalars(select(Turf)).all()
        assert 4 <= len(turfs) <= 5
        in_turfs = db.session.scalar(select(func.count(Address.id)).where(Address.turf_id.is_not(None)))
        assert sum(len(services.turf_doors(t)) for t in turfs) >= in_turfs > 100
        assignment = db.session.scalar(select(TurfAssignment))
        canvasser = db.session.get(User, assignment.user_id)
        assert canvasser.email == "benevole@demo.organizer.test"
        assert (assignment.until - services.local_today()).days >= 59
        load_demo_data()
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Turf)) == len(turfs)
        assert db.session.scalar(select(func.count()).select_from(TurfAssignment)) == 1
