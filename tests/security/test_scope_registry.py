"""The record-level rule is a kernel extension point: every feature's `record_scopes` reach the one loader
(organizer.auth.records) through the registry, a model declared twice is refused, and a model with no rule is
refused too (fail closed)."""

import pytest

from organizer.auth import records
from organizer.auth.models import User
from organizer.campaigns.models import Action, Actor, CalendarToken, Campaign, LocalBody
from organizer.conversations.models import Commitment, DoorKnock, HouseMeeting, OneOnOne
from organizer.jobs.models import Job
from organizer.kernel.contributions import Contribution, Registry, registry
from organizer.meetings.models import Meeting, MeetingTemplate
from organizer.residents.models import Address, Household, Issue, Resident
from organizer.turfs.models import Turf

LOADED_BY_REQUEST = (
    Resident,
    Household,
    Address,
    Turf,
    Issue,
    DoorKnock,
    OneOnOne,
    HouseMeeting,
    Commitment,
    Meeting,
    MeetingTemplate,
    Campaign,
    Action,
    Actor,
    LocalBody,
    CalendarToken,
    Job,
)


@pytest.mark.any_database
def test_every_model_loaded_by_a_request_has_a_declared_rule(app):
    with app.app_context():
        declared = registry().record_scopes
        assert [model.__name__ for model in LOADED_BY_REQUEST if model not in declared] == []


def test_a_model_declared_twice_is_refused():
    with pytest.raises(ValueError, match="Turf declared twice"):
        Registry([Contribution(record_scopes={Turf: lambda user: None}), Contribution(record_scopes={Turf: None})])


@pytest.mark.any_database
def test_a_model_without_a_rule_is_refused(app):
    admin = User(email="admin@example.org", role="admin", active=True)
    with app.app_context(), pytest.raises(LookupError, match="no record scope declared for User"):
        records.condition(User, admin)
