"""What each virtual user of the load test does: a canvasser logging door knocks and reading lists.

prepare() builds a small database (migrations, then one turf of 30 doors per canvasser and 3,000 other
residents); prepare_city() generates the benches' city of 100,000 residents instead (`make loadtest`);
each step logs a door knock from the phone page (a unique note marks it) and reads the resident list and the
turf page, then syncs a batch of 20 knocks queued on the phone (keys made on the phone), sending every batch twice
as a phone does when the first answer is lost; verify() counts the acknowledged knocks missing from the database
afterwards, verify_sync() the synced keys missing and the knocks recorded twice.
"""

import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
DOORS_PER_USER = 30
OTHER_RESIDENTS = 3000
PASSWORD = "load-test-password"


def _app(database_uri: str):
    sys.path.insert(0, str(ROOT))
    from organizer import create_app

    # A cheap hash for the load users only: sign-ins are not what is measured.
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "prepare", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    )


def prepare_city(database_uri: str, users: int) -> list[dict]:
    """The benches' city (100,000 residents, 300,000 door knocks); each virtual user is one of its canvassers,
    knocking on 30 doors of the first turf they hold."""
    from bench import dataset
    from bench.__main__ import Databases
    from organizer.extensions import db
    from organizer.residents.models import Address, Household

    built = dataset.build(database_uri, Databases.app)
    app = _app(database_uri)
    specs = []
    with app.app_context():
        for n in range(users):
            turf_id = dataset.first_turf_of_canvasser(n)
            doors = select(Household.id).join(Address, Address.id == Household.address_id)
            doors = doors.where(Address.turf_id == turf_id).order_by(Household.id).limit(DOORS_PER_USER)
            specs.append(
                {
                    "email": dataset.canvasser_email(n),
                    "password": built.password,
                    "turf_id": turf_id,
                    "households": list(db.session.scalars(doors)),
                }
            )
        db.engine.dispose()
    return specs


def prepare(database_uri: str, users: int) -> list[dict]:
    """Migrate, then create the canvassers, their turfs and the residents; return one spec per virtual user."""
    env = dict(os.environ, ORGANIZER_SQLALCHEMY_DATABASE_URI=database_uri, ORGANIZER_SECRET_KEY="prepare")
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    from organizer.auth import services as auth_services
    from organizer.extensions import db
    from organizer.residents.models import Address, Household, Resident
    from organizer.residents.normalize import name_key, street_key
    from organizer.turfs.models import Turf, TurfAssignment

    app = _app(database_uri)
    rng = random.Random(7)
    first_names = ["Hélène", "Karim", "Fatou", "Julien", "Marie", "Yanis", "Chloé", "Mehdi", "Léa", "Thomas"]
    last_names = ["Martin", "Benali", "Diallo", "Moreau", "Dubois", "Nguyen", "Lefèvre", "Haddad", "Petit", "Roux"]
    specs = []
    with app.app_context():

        def person(household, n):
            first, last = rng.choice(first_names), rng.choice(last_names)
            return Resident(
                first_name=first,
                last_name=f"{last}{n}",
                name_key=name_key(first, f"{last}{n}"),
                household=household,
                data_source="load test",
                consent_basis="consent",
            )

        for u in range(users):
            user, _ = auth_services.create_user(
                f"canvasser{u}@load.test", f"Canvasser {u}", "canvasser", password=PASSWORD
            )
            turf = Turf(name=f"Secteur {u:02d}")
            db.session.add(turf)
            db.session.flush()
            street = f"Rue de la Charge {u}"
            households = []
            for n in range(1, DOORS_PER_USER + 1):
                address = Address(number=n, street=street, street_key=street_key(street), turf_id=turf.id)
                household = Household(address=address)
                db.session.add(person(household, n))
                households.append(household)
            db.session.add(TurfAssignment(turf_id=turf.id, user_id=user.id, until=date.today() + timedelta(days=30)))
            db.session.flush()
            specs.append({"email": user.email, "turf_id": turf.id, "households": [h.id for h in households]})
        for n in range(OTHER_RESIDENTS):
            street = f"Avenue {n % 60}"
            address = Address(number=n % 200 + 1, street=street, street_key=street_key(street))
            db.session.add(person(Household(address=address), n))
        db.session.commit()
        db.engine.dispose()
    return specs


def sign_in(session, spec: dict, outcome) -> None:
    """Through the real form."""
    token = session.csrf("/login")
    started = time.perf_counter()
    status, _text, _headers = session.request(
        "POST", "/login", {"csrf_token": token, "email": spec["email"], "password": spec.get("password", PASSWORD)}
    )
    outcome.timed("login", started, status == 302, f"status {status}")
    spec["csrf"] = session.csrf(f"/turfs/door/{spec['households'][0]}")
    spec["count"] = 0
    _status, text, _headers = session.request("GET", "/canvass/api/me")
    spec["api_csrf"] = json.loads(text)["csrf"]


SYNC_BATCH = 20


def sync_batch(session, spec: dict, outcome) -> None:
    """The phone's queue: 20 knocks under keys made on the phone, sent, then sent again (a lost answer)."""
    batch = []
    for n in range(SYNC_BATCH):
        household = spec["households"][(spec["count"] + n) % len(spec["households"])]
        key = str(uuid.uuid4())
        batch.append({"key": key, "household_id": household, "result": "not_home", "note": f"sync {key}"})
    for attempt in ("sync batch", "sync resend"):
        started = time.perf_counter()
        status, text = session.post_json("/canvass/api/sync", {"items": batch}, spec["api_csrf"])
        answers = json.loads(text).get("answers", []) if status == 200 else []
        accepted = [a["key"] for a in answers if a.get("status") in ("saved", "duplicate")]
        # The city has doors whose people asked not to be contacted: refused with that reason, rightly.
        refused = [a for a in answers if a.get("status") == "refused" and a.get("reason") == "do_not_contact"]
        ok = status == 200 and len(accepted) + len(refused) == SYNC_BATCH
        outcome.timed(attempt, started, ok, f"status {status} {text[:120]}")
        with outcome.lock:
            outcome.synced.update(accepted)


def step(session, spec: dict, outcome) -> None:
    """Log one door knock, then read the resident list and the turf page."""
    spec["count"] += 1
    household = spec["households"][spec["count"] % len(spec["households"])]
    note = f"load {spec['email']} #{spec['count']}"
    started = time.perf_counter()
    status, _text, _headers = session.request(
        "POST", f"/turfs/door/{household}", {"csrf_token": spec["csrf"], "result": "talked", "note": note}
    )
    ok = status == 302
    outcome.timed("log door knock", started, ok, f"status {status}")
    if ok:
        with outcome.lock:
            outcome.acknowledged.append(note)
    for kind, path in (("resident list", "/residents/"), ("turf page", f"/turfs/{spec['turf_id']}")):
        started = time.perf_counter()
        status, _text, _headers = session.request("GET", path)
        outcome.timed(kind, started, status == 200, f"{path} status {status}")
    sync_batch(session, spec, outcome)


def verify(database_uri: str, acknowledged: list[str]) -> int:
    """How many acknowledged knocks are not in the database."""
    from organizer.conversations.models import DoorKnock
    from organizer.extensions import db

    app = _app(database_uri)
    with app.app_context():
        stored = set(db.session.scalars(select(DoorKnock.note).where(DoorKnock.note.like("load %"))))
        db.engine.dispose()
    return len(set(acknowledged) - stored)


def verify_sync(database_uri: str, keys: set) -> tuple[int, int]:
    """(acknowledged keys with no knock, knocks recorded more than once) for the phone's sync."""
    from sqlalchemy import func

    from organizer.conversations.models import DoorKnock
    from organizer.extensions import db

    app = _app(database_uri)
    with app.app_context():
        rows = db.session.execute(
            select(DoorKnock.note, func.count()).where(DoorKnock.note.like("sync %")).group_by(DoorKnock.note)
        ).all()
        db.engine.dispose()
    stored = {note.removeprefix("sync "): count for note, count in rows}
    lost = len(keys - set(stored))
    duplicated = sum(count - 1 for count in stored.values() if count > 1)
    return lost, duplicated
