"""The record-level rule, walked over the whole url map: a canvasser and a leader ask for records outside their
scope by id (path and query string, GET and POST) and get nothing: never a 200, never those records' names.
The same walk checks that no response carrying data may be cached."""

import re

import pytest
from sqlalchemy import select

from organizer.auth.models import User
from organizer.campaigns import services as campaign_services
from organizer.conversations.models import Commitment, DoorKnock, HouseMeeting, OneOnOne
from organizer.demo.services import DEMO_USERS, load_demo_data
from organizer.extensions import db
from organizer.jobs.models import Job
from organizer.meetings.models import AgendaItem, Meeting, MeetingUser, MinutesActionItem
from organizer.residents.models import Address, Household, Resident
from organizer.turfs.models import Turf, TurfAssignment
from tests.conftest import make_test_app, reset_schema

PASSWORDS = {email: password for email, _name, _role, password in DEMO_USERS}
CANVASSER, LEADER, ADMIN = (
    "benevole@demo.organizer.test",
    "responsable@demo.organizer.test",
    "admin@demo.organizer.test",
)
INT_ARG = re.compile(r"<int:(\w+)>")
SLOW_PDFS = {
    "/turfs/<int:turf_id>/walk-sheet.pdf",
    "/campaigns/<int:campaign_id>/print.pdf",
    "/privacy/residents/<int:resident_id>/export.pdf",
}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, tmp_path_factory):
    """The demo organization, plus a job and a calendar feed of the administrator's (loaded once per database)."""
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path_factory.mktemp('scope') / 'scope.sqlite3'}"
    else:
        uri = request.getfixturevalue("postgres_url")
    app = make_test_app(uri, JOBS_RUN_INLINE=True)
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    reset_schema(app)
    with app.app_context():
        load_demo_data()
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        job = Job(kind="audit.export", params={}, created_by_id=admin.id, state="done", result=b"x", result_name="x")
        db.session.add(job)
        campaign_services.issue_calendar_token(admin)
        db.session.commit()
        facts = {"canvasser": _outside(CANVASSER), "leader": _outside(LEADER)}
    yield app, facts
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _outside(email: str) -> dict:
    """Ids (by kind) and names of the records this person may not see, worked out here from the tables, not
    through the rule under test."""
    user = db.session.scalar(select(User).where(User.email == email))
    ids: dict[str, list[int]] = {}
    names: set[str] = set()
    if user.role == "canvasser":
        mine = set(db.session.scalars(select(TurfAssignment.turf_id).where(TurfAssignment.user_id == user.id)))
        assert mine, "the demo canvasser has a turf"
        turfs = db.session.scalars(select(Turf).where(Turf.id.not_in(mine))).all()
        addresses = db.session.scalars(
            select(Address.id).where((Address.turf_id.not_in(mine)) | Address.turf_id.is_(None))
        ).all()
        households = db.session.scalars(select(Household).where(Household.address_id.in_(addresses))).all()
        residents = db.session.scalars(
            select(Resident).where(Resident.household_id.in_([h.id for h in households]))
        ).all()
        invited = set(db.session.scalars(select(MeetingUser.meeting_id).where(MeetingUser.user_id == user.id)))
        meetings = [
            m
            for m in db.session.scalars(select(Meeting))
            if m.id not in invited and user.id not in (m.chair_id, m.facilitator_id, m.note_taker_id, m.timekeeper_id)
        ]
        commitments = db.session.scalars(
            select(Commitment).where(Commitment.owner_id != user.id, Commitment.from_user_id.is_distinct_from(user.id))
        ).all()
        ids.update(
            turf=[t.id for t in turfs],
            household=[h.id for h in households],
            resident=[r.id for r in residents],
            meeting=[m.id for m in meetings],
            commitment=[c.id for c in commitments],
            one_on_one=list(db.session.scalars(select(OneOnOne.id))),
            house_meeting=list(db.session.scalars(select(HouseMeeting.id))),
            door_knock=list(db.session.scalars(select(DoorKnock.id).where(DoorKnock.canvasser_id != user.id))),
            agenda_item=list(
                db.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id.in_([m.id for m in meetings])))
            ),
            minutes_action=list(
                db.session.scalars(
                    select(MinutesActionItem.id).where(MinutesActionItem.meeting_id.in_([m.id for m in meetings]))
                )
            ),
        )
        names |= {r.display_name for r in residents if len(r.display_name) > 6}
        names |= {t.name for t in turfs} | {m.title for m in meetings}
    others_jobs = db.session.scalars(select(Job.id).where(Job.created_by_id != user.id)).all()
    ids["job"] = list(others_jobs)
    from organizer.campaigns.models import CalendarToken

    ids["token"] = list(db.session.scalars(select(CalendarToken.id).where(CalendarToken.user_id != user.id)))
    for kind in ("job", "token"):
        assert ids[kind], f"someone else's {kind} exists"
    return {"ids": ids, "names": names}


def _kind(rule: str, arg: str) -> str | None:
    """Which kind of record a URL argument names."""
    if arg == "meeting_id":
        if "/one-on-ones/" in rule:
            return "one_on_one"
        if "/house-meetings/" in rule:
            return "house_meeting"
        return "meeting"
    if arg == "action_id" and rule.startswith("/meetings/"):
        return "minutes_action"
    if arg == "item_id":
        return "agenda_item"
    return {
        "resident_id": "resident",
        "household_id": "household",
        "turf_id": "turf",
        "commitment_id": "commitment",
        "job_id": "job",
        "token_id": "token",
    }.get(arg)


def _signed_in(app, email):
    client = app.test_client()
    response = client.login(email, PASSWORDS[email])
    assert response.status_code == 302, email
    return client


def _urls_outside(app, ids: dict[str, list[int]]):
    """(method, url) for every rule whose id arguments can all name a record outside the scope."""
    for rule in app.url_map.iter_rules():
        args = INT_ARG.findall(rule.rule)
        if not args:
            continue
        kinds = [_kind(rule.rule, arg) for arg in args]
        if any(kind is None for kind in kinds) or not all(ids.get(kind) for kind in kinds):
            continue
        # Several of each kind: the first, the last, and one that exists in none of them.
        for pick in (0, -1):
            url = rule.rule
            for arg, kind in zip(args, kinds, strict=True):
                url = url.replace(f"<int:{arg}>", str(ids[kind][pick]), 1)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


def _query_urls(ids: dict[str, list[int]]):
    """Pages that take a record's id in the query string."""
    for resident in ids.get("resident", [])[:3]:
        yield "GET", f"/conversations/door-knocks/new?resident={resident}"
        yield "POST", f"/conversations/door-knocks/new?resident={resident}"
        yield "GET", f"/conversations/commitments/new?resident={resident}"
        yield "GET", f"/conversations/one-on-ones/new?resident={resident}"
    for household in ids.get("household", [])[:3]:
        yield "GET", f"/conversations/door-knocks/new?household={household}"
        yield "POST", f"/conversations/door-knocks/new?household={household}"
    for turf in ids.get("turf", [])[:3]:
        yield "GET", f"/reports/listening?turf={turf}"
        yield "GET", f"/reports/listening.pdf?turf={turf}"
        yield "GET", f"/residents/?turf={turf}"


def _walk(app, email: str, facts: dict, at_least: int) -> list[str]:
    client = _signed_in(app, email)
    token = client.csrf_token()
    problems = []
    requests = list(_urls_outside(app, facts["ids"])) + list(_query_urls(facts["ids"]))
    assert len(requests) >= at_least
    for method, url in requests:
        if method == "GET":
            response = client.get(url)
        else:
            data = {"csrf_token": token}
            key, _sep, value = url.partition("?")[2].partition("=")
            if key:  # the form's own field for the record the query string names
                data[f"{key}_id"] = value
            response = client.post(url, data=data)
        body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) else ""
        leaked = sorted(name for name in facts["names"] if name in body)
        if response.status_code == 200 or leaked:
            problems.append(f"{method} {url}: {response.status_code} {leaked[:3]}")
    return problems


def test_a_canvasser_reaches_nothing_outside_their_turfs(world):
    app, facts = world
    assert _walk(app, CANVASSER, facts["canvasser"], 100) == []


def test_a_leader_reaches_no_one_elses_jobs_or_feeds(world):
    app, facts = world
    assert _walk(app, LEADER, facts["leader"], 8) == []


def test_existing_and_missing_records_answer_alike(world):
    """No existence oracle: a meeting or commitment one may not see answers like one that does not exist."""
    app, facts = world
    client = _signed_in(app, CANVASSER)
    token = client.csrf_token()
    hidden_meeting, hidden_commitment = (
        facts["canvasser"]["ids"]["meeting"][0],
        facts["canvasser"]["ids"]["commitment"][0],
    )
    assert client.get(f"/meetings/{hidden_meeting}").status_code == client.get("/meetings/999999").status_code == 404
    status = f"/conversations/commitments/{hidden_commitment}/status"
    missing = "/conversations/commitments/999999/status"
    data = {"csrf_token": token, "status": "done"}
    assert client.post(status, data=data).status_code == client.post(missing, data=data).status_code == 404


def test_bulk_tag_creates_no_tag_out_of_sight(world):
    from organizer.residents.models import Tag

    app, facts = world
    client = _signed_in(app, CANVASSER)
    hidden = facts["canvasser"]["ids"]["resident"][0]
    response = client.post_form(
        "/residents/bulk-tag", {"tag": "planted-by-canvasser", "action": "add", "resident_ids": [str(hidden)]}
    )
    assert response.status_code == 404
    assert client.post_form("/residents/bulk-tag", {"tag": "planted-by-canvasser", "action": "add"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Tag).where(Tag.name == "planted-by-canvasser")) is None


def test_listening_report_names_no_turf_out_of_scope(world):
    app, facts = world
    client = _signed_in(app, CANVASSER)
    hidden = facts["canvasser"]["ids"]["turf"][0]
    with app.app_context():
        name = db.session.get(Turf, hidden).name
    response = client.get(f"/reports/listening?turf={hidden}")
    assert response.status_code == 404 and name not in response.get_data(as_text=True)


def _any_ids(app) -> dict[str, int]:
    """One existing id per URL argument name, for the administrator's walk."""
    from organizer.campaigns.models import Action, Campaign

    with app.app_context():
        first = {
            "resident_id": Resident,
            "household_id": Household,
            "turf_id": Turf,
            "commitment_id": Commitment,
            "job_id": Job,
            "campaign_id": Campaign,
            "action_id": Action,
            "user_id": User,
            "item_id": AgendaItem,
        }
        found = {arg: db.session.scalar(select(model.id).order_by(model.id)) for arg, model in first.items()}
        found["meeting_id"] = db.session.scalar(select(Meeting.id).order_by(Meeting.id))
    return found


def test_every_response_with_data_is_no_store(world):
    app, _facts = world
    client = _signed_in(app, ADMIN)
    ids = _any_ids(app)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods or "<" in rule.rule.replace("<int:", ""):
            continue
        if rule.rule in SLOW_PDFS:  # same after_request as the other PDFs, and seconds each to render
            continue
        url = rule.rule
        for arg in INT_ARG.findall(rule.rule):
            url = url.replace(f"<int:{arg}>", str(ids.get(arg) or 1))
        response = client.get(url)
        checked += 1
        assert "no-store" in response.headers.get("Cache-Control", ""), (url, response.status_code)
    for url in ("/conversations/residents.json?q=du", "/campaigns/actions/1.ics", "/healthz"):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response.headers.get("Cache-Control", ""), url
        checked += 1
    assert checked > 55
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_an_action_page_names_no_one_outside_the_readers_turfs(world):
    from organizer.campaigns.models import Action

    app, facts = world
    with app.app_context():
        hidden = db.session.get(Resident, facts["canvasser"]["ids"]["resident"][-1])
        hidden.first_name, hidden.preferred_name = "Zéphyrine", None  # a name no one else has
        action = campaign_services.load_action(db.session.scalar(select(Action.id).order_by(Action.id)))
        campaign_services.add_resident(action, hidden.id, rsvp="yes", attended=False)
        db.session.commit()
        name, action_id = hidden.display_name, action.id
    canvasser, leader = _signed_in(app, CANVASSER), _signed_in(app, LEADER)
    assert name not in canvasser.get(f"/campaigns/actions/{action_id}").get_data(as_text=True)
    assert name in leader.get(f"/campaigns/actions/{action_id}").get_data(as_text=True)
