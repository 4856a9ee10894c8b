"""The residents demo data loads once and is idempotent."""

from sqlalchemy import func, select

from organizer.demo.services import load_demo_data
from organizer.extensions import db
from organizer.residents.models import Address, Resident


def test_demo_is_idempotent(app):
    with app.app_context():
        first = load_demo_data()
        db.session.commit()
        assert first.created["residents"] == 150 and first.created["addresses"] > 450
        second = load_demo_data()
        db.session.commit()
        assert "residents" not in second.created and "addresses" not in second.created
        assert db.session.scalar(select(func.count()).select_from(Resident)) == 150
        assert db.session.scalar(select(func.count()).select_from(Resident).where(Resident.do_not_contact)) >= 3
        assert db.session.scalar(select(func.count()).select_from(Address).where(Address.insee_code == "54084")) > 450
