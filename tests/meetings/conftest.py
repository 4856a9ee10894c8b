"""Fixtures for the meetings tests: residents and meetings made through the services."""

from datetime import UTC, datetime

import pytest

from organizer.extensions import db
from organizer.meetings import services
from organizer.residents.models import Resident
from organizer.residents.normalize import name_key


@pytest.fixture
def make_resident(app):
    """Create a resident: make_resident("Hélène", "Dupont", phone=..., do_not_contact=...) -> id."""

    def factory(first: str, last: str, **fields) -> int:
        with app.app_context():
            resident = Resident(
                first_name=first,
                last_name=last,
                name_key=name_key(first, last),
                data_source="test",
                **fields,
            )
            db.session.add(resident)
            db.session.commit()
            return resident.id

    return factory


@pytest.fixture
def make_meeting(app):
    """Create a meeting (UTC start), optionally from a built-in template key: returns its id."""

    def factory(title: str = "Réunion d'équipe", starts_at=None, template_key=None, items=(), **fields) -> int:
        with app.app_context():
            template = None
            if template_key:
                services.ensure_builtin_templates()
                template = next(t for t in services.list_templates() if t.builtin_key == template_key)
            meeting = services.create_meeting(
                title, starts_at or datetime(2030, 3, 12, 17, 30, tzinfo=UTC), template=template, **fields
            )
            for title_, minutes in items:
                services.add_item(meeting, title_, minutes=minutes)
            db.session.commit()
            return meeting.id

    return factory
