"""Demo residents: the Mont-Bonvillers BAN addresses and about 150 people living there (deterministic)."""

import random
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from organizer.extensions import db
from organizer.residents import services
from organizer.residents.importing import run_import
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import fold
from organizer.residents.services import get_or_create_issue

BAN_FILE = Path(__file__).resolve().parent.parent / "demo" / "data" / "fr-ban-legacy-54084-mont-bonvillers.csv"
SEED = 54084
COUNT = 150
FIRST_NAMES = (
    "Hélène",
    "Camille",
    "Nadia",
    "Léa",
    "Chloé",
    "Inès",
    "Manon",
    "Sophie",
    "Fatou",
    "Aïcha",
    "Élodie",
    "Zoé",
    "Marie",
    "Jeanne",
    "Yasmina",
    "Océane",
    "Brigitte",
    "Monique",
    "Sylvie",
    "Amina",
    "Julien",
    "Karim",
    "Mathieu",
    "François",
    "Loïc",
    "Mehdi",
    "Thomas",
    "Jérôme",
    "Hugo",
    "Théo",
    "Moussa",
    "Bernard",
    "Gérard",
    "Rémi",
    "Nicolas",
    "Youssef",
    "Antoine",
    "Sébastien",
    "Éric",
    "Mamadou",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Haddad",
    "Diallo",
    "Traoré",
    "Nguyen",
    "Da Silva",
    "Ferreira",
    "Kowalski",
    "Schmitt",
    "Muller",
    "Weber",
)
TAGS = ("locataire", "propriétaire", "parent d'élève", "retraité·e", "commerçant·e", "bénévole")
ISSUES = ("Loyers trop chers", "Éclairage public", "Cantine scolaire", "Transports", "Logements insalubres")
SOURCES = ("Porte-à-porte printemps 2026", "Réunion publique du 12 mars 2026", "Pétition loyers 2026")
STAGES = ("contact",) * 6 + ("supporter",) * 3 + ("volunteer", "leader")


def load(report) -> None:
    """Import the addresses and create the demo residents that are missing (running it again changes nothing)."""
    result = run_import(BAN_FILE.read_bytes(), BAN_FILE.name, fmt="ban", source="BAN 54084")
    for _n in range(result.created["addresses"]):
        report.count("addresses")
    existing = set(db.session.scalars(select(Resident.source_id).where(Resident.source_id.like("demo-%"))))
    if len(existing) >= COUNT:
        return
    rng = random.Random(SEED)
    support_enabled = current_app.config["SUPPORT_LEVELS_ENABLED"]
    addresses = list(
        db.session.scalars(
            select(Address).where(Address.number.is_not(None), Address.number < 200).order_by(Address.id)
        )
    )
    issues = [get_or_create_issue(name) for name in ISSUES]
    tags = [services.get_or_create_tag(name) for name in TAGS]
    person = 0
    while person < COUNT:
        address = rng.choice(addresses)
        household = db.session.scalar(select(Household).where(Household.address_id == address.id).limit(1))
        last_name = rng.choice(LAST_NAMES)
        for _member in range(rng.choice((1, 1, 2, 2, 3))):
            if person >= COUNT:
                break
            source_id = f"demo-{person:03d}"
            first_name = rng.choice(FIRST_NAMES)
            draws = [rng.random() for _i in range(8)]
            person += 1
            if source_id in existing:
                continue
            if household is None:
                household = Household(address_id=address.id)
                db.session.add(household)
                db.session.flush()
                report.count("households")
            consent_day = date(2026, 3, 1) + timedelta(days=int(draws[0] * 60))
            slug = f"{fold(first_name)}.{fold(last_name)}".replace(" ", "-")
            resident = Resident(
                first_name=first_name,
                last_name=last_name,
                household_id=household.id,
                source_id=source_id,
                phone=f"+336{int(draws[1] * 10**8):08d}" if draws[2] < 0.7 else None,
                email=f"{slug}{person}@example.org" if draws[3] < 0.5 else None,
                languages="fr,ar" if draws[4] < 0.1 else "fr",
                data_source=SOURCES[int(draws[5] * len(SOURCES))],
                consent_basis="consent",
                consent_date=consent_day,
                consent_method="Accord oral lors du porte-à-porte",
                leadership_stage=STAGES[int(draws[6] * len(STAGES))],
                support_level=1 + int(draws[7] * 5) if support_enabled else None,
                do_not_contact=person % 37 == 0,
            )
            services.refresh_keys(resident)
            resident.tags = [tags[0] if draws[1] < 0.6 else tags[1]] + ([tags[2]] if draws[2] < 0.3 else [])
            resident.issues = [issues[i] for i in range(len(issues)) if draws[(i + 3) % 8] < 0.15]
            db.session.add(resident)
            report.count("residents")
    db.session.flush()
