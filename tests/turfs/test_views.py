"""Turf pages: who sees what, cutting with an overlap preview, printing, the entry grid, the door page."""

import io
import zipfile
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.conversations.models import DoorKnock
from organizer.extensions import db
from organizer.jobs.models import Job
from organizer.residents.models import Address, Household, Resident
from organizer.turfs import services
from organizer.turfs.services import TurfRule
from tests.turfs.conftest import add_resident, load_ban_addresses


def setup_turfs(app, canvasser_id):
    """Two turfs: "Paix" (given to the canvasser, with residents) and "Landres" (not theirs)."""
    with app.app_context():
        addresses = load_ban_addresses({"rue de la paix", "rue de landres"})
        paix = sorted((a for a in addresses if a.street_key == "rue de la paix"), key=lambda a: a.number)
        add_resident(paix[0], "Hélène", "Martin")
        talker = add_resident(paix[0], "Omar", "Benali", household=None)
        mine = services.create_turf("Paix", TurfRule(streets=["rue de la paix"]))
        other = services.create_turf("Landres", TurfRule(streets=["rue de landres"]))
        services.assign(mine, db.session.get(User, canvasser_id), services.local_today() + timedelta(days=10))
        db.session.commit()
        other_household = db.session.scalar(
            select(Household.id).join(Address).where(Address.turf_id == other.id).limit(1)
        )
        return mine.id, other.id, other_household, talker.id


def test_canvasser_sees_only_their_turf_and_is_refused_the_rest(app, client, make_user):
    canvasser_id, email = make_user("canvasser")
    mine, other, other_household, _talker = setup_turfs(app, canvasser_id)
    client.login(email)
    page = client.get("/turfs/").get_data(as_text=True)
    assert "Paix" in page and "Landres" not in page and "Cut a new turf" not in page
    assert client.get(f"/turfs/{mine}").status_code == 200
    for url in (
        f"/turfs/{other}",
        f"/turfs/{other}/walk-sheet.pdf",
        f"/turfs/{other}/grid",
        f"/turfs/door/{other_household}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post_form("/turfs/print", {"turf": [mine, other]}).status_code == 404
    assert client.post_form(f"/turfs/door/{other_household}", {"result": "talked"}).status_code == 404
    assert client.post_form(f"/turfs/{other}/grid", {"knocked_on": "2026-01-01"}).status_code == 404
    assert client.get("/turfs/new").status_code == 403
    assert client.post_form(f"/turfs/{mine}/delete").status_code == 403


def test_expired_assignment_is_refused(app, client, make_user):
    canvasser_id, email = make_user("canvasser")
    mine, _other, _household, _talker = setup_turfs(app, canvasser_id)
    with app.app_context():
        assignment = db.session.scalar(select(services.TurfAssignment).where(services.TurfAssignment.turf_id == mine))
        assignment.until = services.local_today() - timedelta(days=1)
        db.session.commit()
    client.login(email)
    assert client.get(f"/turfs/{mine}").status_code == 404
    assert client.get(f"/turfs/{mine}/walk-sheet.pdf").status_code == 404
    assert "No turf is assigned to you" in client.get("/turfs/").get_data(as_text=True)


def test_turf_page_print_is_audited_and_bundles(app, client, make_user):
    canvasser_id, _email = make_user("canvasser", name="Léa Dubois")
    _id, organizer = make_user("organizer")
    mine, other, _household, _talker = setup_turfs(app, canvasser_id)
    client.login(organizer)
    page = client.get(f"/turfs/{mine}").get_data(as_text=True)
    assert "Print walk sheet" in page and 'data-map="turf"' in page and 'class="route-map"' in page
    response = client.get(f"/turfs/{mine}/walk-sheet.pdf?paper=letter&lang=en")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    response = client.post_form("/turfs/print", {"turf": [mine, other], "bundle": "zip"})
    download = client.get(f"{response.location}/result")
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    response = client.post_form("/turfs/print", {"turf": [mine, other], "bundle": "pdf", "paper": "letter"})
    assert client.get(f"{response.location}/result").data.startswith(b"%PDF")
    with app.app_context():
        printed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "walk_sheet.print")).all()
        assert len(printed) == 5 and printed[0].target_id == mine and printed[0].details["doors"] == 4
        assert {event.actor_id for event in printed} == {_id} and printed[-1].details["turfs"] == 2


def test_batch_walk_sheets_are_a_job_with_a_ready_page(app, client, make_user):
    canvasser_id, _email = make_user("canvasser", name="Léa Dubois")
    organizer_id, organizer = make_user("organizer")
    mine, other, _household, _talker = setup_turfs(app, canvasser_id)
    with app.app_context():
        address = db.session.scalar(select(Address).where(Address.turf_id == other).order_by(Address.id).limit(1))
        add_resident(address, "Paul", "Secretissime", do_not_contact=True)
        add_resident(address, "Irène", "Visible")
        db.session.commit()
    client.login(organizer)
    page = client.get("/turfs/").get_data(as_text=True)
    assert 'method="post" action="/turfs/print"' in page and 'name="csrf_token"' in page
    # Printing is a POST: a GET neither prints nor queues anything.
    assert client.get(f"/turfs/print?turf={mine}&turf={other}").status_code == 405
    assert client.post("/turfs/print", data={"turf": [mine, other]}).status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    response = client.post_form("/turfs/print", {"turf": [mine, other], "bundle": "pdf", "lang": "fr"})
    assert response.status_code == 302 and response.location.startswith("/jobs/")
    status = client.get(f"{response.location}.json").json
    assert status["state"] == "done" and status["done"] == status["total"] == 3  # two turfs, then the rendering
    assert status["summary"]["turfs"] == 2
    ready = client.get(response.location).get_data(as_text=True)
    assert "Your walk sheets are ready." in ready and f'href="{response.location}/result"' in ready
    download = client.get(f"{response.location}/result")
    assert download.headers["Content-Type"] == "application/pdf" and download.headers["Cache-Control"] == "no-store"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.data)).pages)
    assert "Paix" in text and "Landres" in text and "Visible" in text and "Secretissime" not in text
    assert "Feuille de porte-à-porte · Paix" in text and "Feuille de porte-à-porte · Landres" in text  # lang=fr
    # Someone else never sees the job nor its result.
    _id, stranger = make_user("organizer")
    other_client = app.test_client()
    other_client.login(stranger)
    for url in (response.location, f"{response.location}.json", f"{response.location}/result"):
        assert other_client.get(url).status_code == 404, url


def test_batch_walk_sheets_page_is_french(app, client, make_user):
    from tests.support.french import english_in_french_page

    canvasser_id, _email = make_user("canvasser")
    _id, organizer = make_user("organizer")
    mine, other, _household, _talker = setup_turfs(app, canvasser_id)
    client.login(organizer)
    client.post_form("/language", {"lang": "fr", "next": "/"})
    response = client.post_form("/turfs/print", {"turf": [mine, other]})
    page = client.get(response.location).get_data(as_text=True)
    assert "Vos feuilles de porte-à-porte sont prêtes." in page
    assert english_in_french_page(page, user_data=(organizer,)) == []


def test_batch_print_nothing_ticked_goes_back(app, client, make_user):
    _id, organizer = make_user("organizer")
    client.login(organizer)
    response = client.post_form("/turfs/print", {"bundle": "pdf"})
    assert response.status_code == 302 and response.location == "/turfs/"
    assert "Tick the turfs to print." in client.get("/turfs/").get_data(as_text=True)


def test_cut_in_the_browser_previews_and_asks_before_taking(app, client, make_user):
    canvasser_id, _ = make_user("canvasser")
    _id, organizer = make_user("organizer")
    mine, _other, _household, _talker = setup_turfs(app, canvasser_id)
    client.login(organizer)
    form = {"name": "Paix pairs", "streets": "rue de la paix", "side": "even", "step": "preview"}
    page = client.post_form("/turfs/new", form).get_data(as_text=True)
    assert "already belong to other turfs" in page and "Paix: 1" in page
    with app.app_context():
        even = db.session.scalars(
            select(Address.id).where(Address.street_key == "rue de la paix", Address.number % 2 == 0)
        ).all()
    page = client.post_form("/turfs/new", {**form, "step": "create", "address_ids": even}).get_data(as_text=True)
    assert "tick the box to take them" in page
    with app.app_context():
        assert services.find_turf("Paix pairs") is None
    response = client.post_form("/turfs/new", {**form, "step": "create", "address_ids": even, "take": "1"})
    assert response.status_code == 302
    with app.app_context():
        turf = services.find_turf("Paix pairs")
        assert [d.address.id for d in services.turf_doors(turf)] == even
        assert len(services.turf_doors(db.session.get(services.Turf, mine))) == 3  # 4 doors, 1 taken


def test_grid_saves_all_or_nothing(app, client, make_user):
    canvasser_id, email = make_user("canvasser")
    mine, _other, _household, _talker = setup_turfs(app, canvasser_id)
    client.login(email)
    with app.app_context():
        doors = services.turf_doors(db.session.get(services.Turf, mine))
        ids = [d.household.id for d in doors]
    assert client.get(f"/turfs/{mine}/grid").status_code == 200
    bad = {"knocked_on": "2026-01-10", f"result-{ids[0]}": "2", f"support-{ids[0]}": "4", f"result-{ids[1]}": "9"}
    response = client.post_form(f"/turfs/{mine}/grid", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Unknown result code 9" in page and 'value="4"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DoorKnock)) == 0
    good = {**bad, f"result-{ids[1]}": "1", f"result-{ids[2]}": "not_home", f"note-{ids[2]}": "Volets fermés"}
    response = client.post_form(f"/turfs/{mine}/grid", good)
    assert response.status_code == 302
    with app.app_context():
        knocks = {k.household_id: k for k in db.session.scalars(select(DoorKnock))}
        assert [(k.result, k.support_level, k.entered_via) for k in (knocks[i] for i in ids[:3])] == [
            ("talked", 4, "sheet"),
            ("not_home", None, "sheet"),
            ("not_home", None, "sheet"),
        ]
        assert knocks[ids[0]].canvasser_id == canvasser_id


def test_door_page_logs_knock_and_do_not_contact_removes_from_sheet(app, client, make_user):
    canvasser_id, email = make_user("canvasser")
    mine, _other, _household, talker = setup_turfs(app, canvasser_id)
    client.login(email)
    with app.app_context():
        household_id = db.session.get(Resident, talker).household_id
    page = client.get(f"/turfs/door/{household_id}").get_data(as_text=True)
    assert "Omar Benali" in page and "Come back later" in page
    talked = {"result": "talked", "resident_id": str(talker), "support": "5", "note": "Loyers"}
    response = client.post_form(f"/turfs/door/{household_id}", talked)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Resident, talker).last_contacted_at is not None
    response = client.post_form(f"/turfs/door/{household_id}", {"result": "do_not_contact", "resident_id": str(talker)})
    assert response.status_code == 302
    with app.app_context():
        resident = db.session.get(Resident, talker)
        assert resident.do_not_contact and resident.do_not_contact_at is not None
        doors = services.turf_doors(db.session.get(services.Turf, mine))
        door = next(d for d in doors if d.household.id == household_id)
        assert door.do_not_knock and door.residents == []
    assert "Do not knock" in client.get(f"/turfs/door/{household_id}").get_data(as_text=True)
    assert client.post_form(f"/turfs/door/{household_id}", {"result": "bogus"}).status_code == 422


def test_add_and_remove_addresses_by_hand(app, client, make_user):
    canvasser_id, _ = make_user("canvasser")
    _id, organizer = make_user("organizer")
    mine, other, _household, _talker = setup_turfs(app, canvasser_id)
    client.login(organizer)
    with app.app_context():
        landres = db.session.scalars(select(Address.id).where(Address.turf_id == other).order_by(Address.id)).all()
    form = {"name": "Paix", "streets": "rue de landres", "side": "both", "step": "create", "address_ids": landres[:2]}
    page = client.post_form(f"/turfs/{mine}/add", form).get_data(as_text=True)
    assert "Landres: 2" in page  # asks before taking from another turf
    response = client.post_form(f"/turfs/{mine}/add", {**form, "take": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert set(landres[:2]) <= {a for a in db.session.scalars(select(Address.id).where(Address.turf_id == mine))}
    response = client.post_form(f"/turfs/{mine}/remove", {"address_ids": [landres[0]]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Address, landres[0]).turf_id is None
        assert db.session.get(Address, landres[1]).turf_id == mine


def test_door_page_conflict_saves_nothing(app, client, make_user, monkeypatch):
    canvasser_id, email = make_user("canvasser")
    _mine, _other, _household, talker = setup_turfs(app, canvasser_id)
    client.login(email)
    with app.app_context():
        household_id = db.session.get(Resident, talker).household_id
    from sqlalchemy.orm.exc import StaleDataError

    def conflict(*args, **kwargs):
        raise StaleDataError("changed meanwhile")

    monkeypatch.setattr(services, "record_knock", conflict)
    response = client.post_form(f"/turfs/door/{household_id}", {"result": "talked", "resident_id": str(talker)})
    assert response.status_code == 409 and "at the same time" in response.get_data(as_text=True)
    assert "Omar Benali" in response.get_data(as_text=True)
