"""Lists: saved searches (private or shared), select every result across pages, bulk actions with a
confirmation and a count, audited."""

import re

from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.extensions import db
from organizer.residents import services
from organizer.residents.models import Address, Resident, SavedSearch, Tag, resident_tags
from organizer.turfs.models import Turf


def _many(app, n=120):
    """`n` residents on rue Joffre (more than two pages of the list), one of them do-not-contact."""
    with app.app_context():
        for i in range(n):
            services.create_resident(
                {"first_name": f"Prénom{i:03d}", "last_name": "Joffrin", "data_source": "x", "do_not_contact": i == 0},
                address={"number": str(100 + i), "street": "rue Joffre"},
            )
        db.session.commit()


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == action)).all()


def test_saved_search_private_or_shared(app, client, people, make_user):
    client.login(people["organizer"])
    response = client.post_form("/residents/searches", {"name": "Rue Joffre", "q": "joffre", "shared": "y"})
    assert response.status_code == 302 and "q=joffre" in response.location
    client.post_form("/residents/searches", {"name": "Mes contacts", "contacted": "never"})
    page = client.get("/residents/").get_data(as_text=True)
    assert "Rue Joffre" in page and "Mes contacts" in page and 'href="/residents/?q=joffre"' in page
    other = app.test_client()
    other.login(people["leader"])
    page = other.get("/residents/").get_data(as_text=True)
    assert "Rue Joffre" in page and "Mes contacts" not in page
    with app.app_context():
        mine = db.session.scalar(select(SavedSearch.id).where(SavedSearch.name == "Mes contacts"))
        shared = db.session.scalar(select(SavedSearch.id).where(SavedSearch.name == "Rue Joffre"))
    assert other.post_form(f"/residents/searches/{shared}/delete").status_code == 404  # not theirs
    assert client.post_form(f"/residents/searches/{mine}/delete").status_code == 302
    assert "Mes contacts" not in client.get("/residents/").get_data(as_text=True)
    assert len(_audit(app, "residents.search_save")) == 2 and len(_audit(app, "residents.search_delete")) == 1


def test_tag_every_result_across_pages_after_confirming_the_count(app, client, people):
    _many(app)
    client.login(people["organizer"])
    assert 'data-testid="next-page"' in client.get("/residents/?q=joffrin").get_data(as_text=True)
    form = {"scope": "all", "q": "joffrin", "bulk_action": "tag", "tag": "Locataire"}
    page = client.post_form("/residents/bulk", form).get_data(as_text=True)
    assert "will be added to 120 residents" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(resident_tags)) == 0  # nothing before confirming
    response = client.post_form("/residents/bulk", {**form, "confirm": "1"})
    assert response.status_code == 302
    assert "Done: 120 residents changed." in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "locataire"))
        assert db.session.scalar(select(func.count()).where(resident_tags.c.tag_id == tag_id)) == 120
    # Again: nobody changes twice.
    client.post_form("/residents/bulk", {**form, "confirm": "1"})
    assert [d["count"] for d in _audit(app, "residents.bulk_tag")] == [120, 0]


def test_ticked_residents_turf_and_do_not_contact(app, client, people):
    _many(app, 5)
    client.login(people["organizer"])
    with app.app_context():
        ids = list(db.session.scalars(select(Resident.id).where(Resident.last_name == "Joffrin").order_by(Resident.id)))
        turf = Turf(name="Joffre haut")
        db.session.add(turf)
        db.session.commit()
        turf_id = turf.id
    ticked = {"scope": "selected", "resident_ids": [str(i) for i in ids[1:4]]}
    page = client.post_form("/residents/bulk", {**ticked, "bulk_action": "turf", "turf_id": turf_id}).get_data(
        as_text=True
    )
    assert "The doors of 3 residents will be added to the turf “Joffre haut”." in page
    client.post_form("/residents/bulk", {**ticked, "bulk_action": "turf", "turf_id": turf_id, "confirm": "1"})
    client.post_form("/residents/bulk", {**ticked, "bulk_action": "dnc", "confirm": "1"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Address).where(Address.turf_id == turf_id)) == 3
        flagged = db.session.scalars(select(Resident.id).where(Resident.do_not_contact.is_(True))).all()
        assert sorted(flagged) == sorted([people["zoe"], ids[0], *ids[1:4]])
    assert _audit(app, "residents.bulk_do_not_contact")[0]["count"] == 3


def test_bulk_export_of_every_result_and_who_may_do_what(app, client, people):
    _many(app, 3)
    client.login(people["organizer"])
    page = client.post_form("/residents/bulk", {"scope": "all", "q": "joffrin", "bulk_action": "export"}).get_data(
        as_text=True
    )
    assert "3 residents will be exported" in page
    form_tag = re.search(r'<form method="post" action="([^"]+)"[^>]*data-testid="bulk-confirm-form"', page)
    action = form_tag.group(1).replace("&amp;", "&")
    export = client.post_form(action, {"format": "csv"})
    assert export.status_code == 200 and export.get_data(as_text=True).count("Joffrin") == 3
    leader = app.test_client()
    leader.login(people["leader"])
    response = leader.post_form("/residents/bulk", {"scope": "all", "bulk_action": "dnc", "confirm": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Resident.do_not_contact.is_(True))) == 2  # unchanged
    canvasser = app.test_client()
    canvasser.login(people["canvasser"])
    assert canvasser.post_form("/residents/bulk", {"scope": "all", "bulk_action": "tag", "tag": "x"}).status_code == 403


def test_invite_a_saved_search_to_an_action_and_a_meeting(app, client, people):
    from datetime import UTC, datetime

    from organizer.campaigns.models import Action, Attendee, Campaign
    from organizer.meetings.models import Meeting, MeetingResident

    _many(app, 4)  # one of them asked not to be contacted
    client.login(people["organizer"])
    client.post_form("/residents/searches", {"name": "Joffrin", "q": "joffrin"})
    with app.app_context():
        search_id = db.session.scalar(select(SavedSearch.id))
        campaign = Campaign(name="Loyers")
        db.session.add(campaign)
        db.session.flush()
        action = Action(campaign_id=campaign.id, kind="rally", title="Rassemblement", starts_at=datetime.now(UTC))
        meeting = Meeting(title="Réunion de rue", starts_at=datetime.now(UTC))
        db.session.add_all([action, meeting])
        db.session.commit()
        action_id, meeting_id = action.id, meeting.id
    assert "Invite a saved search" in client.get(f"/campaigns/actions/{action_id}").get_data(as_text=True)
    page = client.post_form(f"/campaigns/actions/{action_id}/invite-search", {"search_id": search_id})
    assert "finds 3 residents to invite" in page.get_data(as_text=True)
    client.post_form(f"/campaigns/actions/{action_id}/invite-search", {"search_id": search_id, "confirm": "1"})
    client.post_form(f"/campaigns/actions/{action_id}/invite-search", {"search_id": search_id, "confirm": "1"})
    client.post_form(f"/meetings/{meeting_id}/invite-search", {"search_id": search_id, "confirm": "1"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attendee)) == 3  # never twice, never DNC
        assert db.session.scalar(select(func.count()).select_from(MeetingResident)) == 3
        counts = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "action.invite_search"))
        assert [d["count"] for d in counts] == [3, 0]
