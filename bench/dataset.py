"""The shared bench data set: a French city of 100,000 residents, generated once per database and run.

60,000 addresses on 600 streets (odd and even numbers, bis/ter/A suffixes, blocks of flats with building,
staircase, floor and door), one household per address, 100,000 residents (1 to 4 per household, 2% do not
contact), 200 turfs of contiguous addresses, 76 accounts (canvassers hold 3 turfs each), 40 issues and
300,000 door knocks over the last year (70% with a named resident, 60% naming one or two issues, skewed).
Rows go in through SQLAlchemy Core executemany, so the same code fills SQLite and PostgreSQL.
"""

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from organizer.residents.demo import FIRST_NAMES, LAST_NAMES  # the demo's French names

ADDRESSES = 60_000
RESIDENTS = 100_000
TURFS = 200
KNOCKS = 300_000
ISSUES = (
    "Loyers trop chers",
    "Charges locatives",
    "Ascenseur en panne",
    "Punaises de lit",
    "Humidité et moisissures",
    "Chauffage collectif",
    "Propreté des parties communes",
    "Éclairage public",
    "Sécurité routière devant l'école",
    "Fermeture du bureau de poste",
    "Bus de nuit supprimé",
    "Cantine scolaire",
    "Place en crèche",
    "Médecin traitant introuvable",
    "Dépôts sauvages",
    "Espaces verts",
    "Stationnement",
    "Bruit du chantier",
    "Expulsions",
    "Travaux de rénovation promis",
    "Gardien absent",
    "Interphone cassé",
    "Caves squattées",
    "Accessibilité PMR",
    "Commerces de proximité",
    "Marché du dimanche",
    "Local associatif",
    "Terrain de foot",
    "Aide aux devoirs",
    "Fracture numérique",
    "Transport scolaire",
    "Pistes cyclables",
    "Qualité de l'air",
    "Inondations de la cave",
    "Factures d'eau",
    "Précarité énergétique",
    "Jeunes sans activité",
    "Personnes âgées isolées",
    "Violences policières",
    "Démocratie locale",
)
STREET_TYPES = ("rue", "avenue", "allée", "impasse", "boulevard", "chemin", "place", "cours")
STREET_NAMES = (
    "de la Gare",
    "Jean Jaurès",
    "Victor Hugo",
    "des Acacias",
    "de la République",
    "Pasteur",
    "Jules Ferry",
    "du Général de Gaulle",
    "de l'Église",
    "des Écoles",
    "Gambetta",
    "Émile Zola",
    "des Tilleuls",
    "du Moulin",
    "Louise Michel",
    "Paul Éluard",
    "Aristide Briand",
    "de la Paix",
    "Joffre",
    "des Fleurs",
    "Lucie Aubrac",
    "Nelson Mandela",
    "Simone Veil",
    "du Stade",
    "des Peupliers",
)
SUFFIXES = ("bis", "ter", "A", "B")
RESULTS = ("talked", "talked", "talked", "not_home", "not_home", "refused", "moved", "come_back")


CANVASSERS = 60


def canvasser_email(n: int) -> str:
    """The sign-in of the data set's n-th canvasser (0 to 59); their password is the organizer's."""
    return f"porte{n}@bench.example.org"


def first_turf_of_canvasser(n: int) -> int:
    """Canvasser n holds three neighbouring turfs, starting with this one."""
    return (n * 3) % (TURFS - 2) + 1


@dataclass
class Dataset:
    """What a bench needs to know about the generated data: the login and some facts to query."""

    url: str
    organizer_email: str
    password: str
    seconds: float
    counts: dict


def street_names() -> list[str]:
    """600 distinct street names, each a type and a name (plus a number when the pair repeats)."""
    names = []
    for n in range(600):
        kind, name = STREET_TYPES[n % len(STREET_TYPES)], STREET_NAMES[(n // len(STREET_TYPES)) % len(STREET_NAMES)]
        repeat = n // (len(STREET_TYPES) * len(STREET_NAMES))
        names.append(f"{kind} {name}" + (f" {repeat + 1}" if repeat else ""))
    return names


def _chunks(rows: list, size: int = 10_000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _put(db, model_or_table, rows: list[dict]) -> None:
    table = getattr(model_or_table, "__table__", model_or_table)
    keys = {key for row in rows for key in row}
    rows = [{key: row.get(key) for key in keys} for row in rows]  # one shape: executemany needs it
    for chunk in _chunks(rows):
        db.session.execute(insert(table), chunk)


def _addresses(rng: random.Random, now: datetime) -> list[dict]:
    """Streets of houses and blocks of flats, in walking order; turf ids cut every 300 addresses."""
    from organizer.residents.normalize import street_key

    rows, streets = [], street_names()
    per_street = ADDRESSES // len(streets)
    for s, street in enumerate(streets):
        key, number, made = street_key(street), 1, 0
        while made < per_street:
            if rng.random() < 0.12:  # a block of flats: building, staircase, floors, doors
                building = rng.choice("ABCD")
                for floor in range(min(rng.randint(2, 6), per_street - made)):
                    rows.append(
                        dict(
                            number=number,
                            street=street,
                            street_key=key,
                            building=f"Bâtiment {building}",
                            staircase=str(rng.randint(1, 3)),
                            floor=str(floor),
                            door=f"{floor}{rng.randint(1, 4):02d}",
                            postcode="54400",
                            city="Longwy",
                            area=f"Quartier {s % 12 + 1}",
                        )
                    )
                    made += 1
            else:
                suffix = rng.choice(SUFFIXES) if rng.random() < 0.08 else None
                rows.append(
                    dict(
                        number=number,
                        suffix=suffix,
                        street=street,
                        street_key=key,
                        postcode="54400",
                        city="Longwy",
                        area=f"Quartier {s % 12 + 1}",
                        lat=49.52 + s * 1e-4,
                        lon=5.76 + number * 1e-5,
                    )
                )
                made += 1
            number += rng.choice((1, 2, 2, 2))
    for n, row in enumerate(rows):
        row.update(id=n + 1, turf_id=n * TURFS // len(rows) + 1, created_at=now, updated_at=now)
    return rows


def populate(db, seed: int = 2026) -> dict:
    """Fill an empty schema with the data set (the caller commits). Returns row counts."""
    from organizer.auth.models import User
    from organizer.conversations.models import DoorKnock, Issue, door_knock_issues
    from organizer.residents.models import Address, Household, Resident
    from organizer.residents.normalize import fold
    from organizer.turfs.models import Turf, TurfAssignment

    rng = random.Random(seed)
    now = datetime.now(UTC)
    password_hash = db.session.scalar(select(User.password_hash).limit(1))
    users = [dict(id=100 + n, email=canvasser_email(n), display_name=f"Bénévole {n}") for n in range(CANVASSERS)]
    users += [dict(id=200 + n, email=f"leader{n}@bench.example.org", display_name=f"Leader {n}") for n in range(5)]
    for user in users:
        role = "canvasser" if user["id"] < 200 else "leader"
        user.update(role=role, password_hash=password_hash, session_token=f"bench{user['id']}", active=True)
    _put(db, User, users)
    _put(db, Turf, [dict(id=t, name=f"Secteur {t:03d}", rule={"kind": "hand"}) for t in range(1, TURFS + 1)])
    until = date.today() + timedelta(days=60)
    assignments = [
        dict(turf_id=first_turf_of_canvasser(n) + k, user_id=100 + n, until=until)
        for n in range(CANVASSERS)
        for k in (0, 1, 2)
    ]
    _put(db, TurfAssignment, assignments)
    addresses = _addresses(rng, now)
    _put(db, Address, addresses)
    _put(db, Household, [dict(id=a["id"], address_id=a["id"], created_at=now, updated_at=now) for a in addresses])
    residents, household = [], 1
    while len(residents) < RESIDENTS:
        family = rng.choice(LAST_NAMES)
        for _ in range(min(rng.choice((1, 1, 2, 2, 2, 3, 4)), RESIDENTS - len(residents))):
            first, last = rng.choice(FIRST_NAMES), family if rng.random() < 0.8 else rng.choice(LAST_NAMES)
            n = len(residents) + 1
            residents.append(
                dict(
                    id=n,
                    first_name=first,
                    last_name=last,
                    name_key=f"{fold(first)} {fold(last)}",
                    sort_key=f"{fold(last)} {fold(first)}",
                    phone=f"+336{n:08d}" if n % 3 else None,
                    email=f"habitant{n}@example.org" if n % 4 == 0 else None,
                    household_id=household,
                    data_source="liste électorale 2026",
                    consent_basis="legitimate_interest",
                    do_not_contact=n % 50 == 0,
                    leadership_stage="contact",
                    created_at=now,
                    updated_at=now,
                )
            )
        household = household % ADDRESSES + 1
    _put(db, Resident, residents)
    _put(db, Issue, [dict(id=i + 1, name=name, key=fold(name)) for i, name in enumerate(ISSUES)])
    start = now - timedelta(days=364)
    knocks, links = [], []
    for k in range(1, KNOCKS + 1):
        resident = residents[rng.randrange(RESIDENTS)] if rng.random() < 0.7 else None
        knocks.append(
            dict(
                id=k,
                household_id=resident["household_id"] if resident else rng.randint(1, ADDRESSES),
                resident_id=resident["id"] if resident else None,
                canvasser_id=100 + k % CANVASSERS,
                knocked_at=start + timedelta(seconds=rng.randrange(364 * 86400)),
                result=RESULTS[k % len(RESULTS)],
                note="Le loyer a encore augmenté, la voisine aussi." if k % 10 == 0 else None,
                note_sensitive=k % 50 == 0,
                follow_up=k % 40 == 0,
                entered_via="sheet",
                created_at=now,
                updated_at=now,
            )
        )
        if rng.random() < 0.6:
            raised = {min(rng.randint(1, len(ISSUES)), rng.randint(1, len(ISSUES))) for _ in range(rng.choice((1, 2)))}
            links.extend(dict(door_knock_id=k, issue_id=i) for i in raised)
    _put(db, DoorKnock, knocks)
    _put(db, door_knock_issues, links)
    return {
        "addresses": len(addresses),
        "residents": len(residents),
        "turfs": TURFS,
        "door_knocks": len(knocks),
        "door_knock_issues": len(links),
    }


def build(url: str, app_factory) -> Dataset:
    """Create the schema at `url`, an organizer account and the data set; reset PostgreSQL sequences."""
    from organizer.auth import services as auth_services
    from organizer.extensions import db

    password = "bench password 2026"
    app = app_factory(url)
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        auth_services.create_user("organisatrice@bench.example.org", "Organisatrice", "organizer", password=password)
        db.session.commit()
        counts = populate(db)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            _reset_sequences(db)
            db.session.execute(func.now())  # keep the session alive for ANALYZE below
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
        else:
            db.session.connection().exec_driver_sql("ANALYZE")
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return Dataset(url, "organisatrice@bench.example.org", password, time.perf_counter() - started, counts)


def _reset_sequences(db) -> None:
    """Explicit ids were inserted: move each serial sequence past the largest id."""
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement is not False:
            db.session.connection().exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - our table names
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false) "
                f"WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"
            )
