"""Demo turfs over whatever demo addresses exist: a few streets each, one given to the demo canvasser."""

from datetime import timedelta

from sqlalchemy import func, select

from organizer.auth.models import User
from organizer.extensions import db
from organizer.residents.models import Address
from organizer.turfs import services
from organizer.turfs.models import Turf

DEMO_CANVASSER = "benevole@demo.organizer.test"
DEMO_SCRIPT = (
    "Bonjour, nous sommes voisins et membres de l'Union des locataires. Nous faisons le tour du quartier "
    "pour écouter ce qui compte pour vous.\n"
    "1. Qu'est-ce qui vous préoccupe le plus dans le quartier ?\n"
    "2. Seriez-vous d'accord pour qu'on vous recontacte ?"
)


def load(report) -> None:
    """Cut 4-5 turfs by street over the addresses not yet in a turf; assign the first to the demo canvasser.

    Idempotent: does nothing once demo turfs exist, nor when there are no addresses."""
    if db_has_turfs():
        return
    streets = db.session.execute(
        select(Address.street_key, func.min(Address.street), func.count())
        .where(Address.turf_id.is_(None))
        .group_by(Address.street_key)
        .order_by(Address.street_key)
    ).all()
    if not streets:
        return
    # Group whole streets into about five turfs of similar size.
    total = sum(count for _key, _name, count in streets)
    target = max(total // 5, 1)
    groups, current, size = [], [], 0
    for _key, name, count in streets:
        current.append(name)
        size += count
        if size >= target and len(groups) < 4:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    created = []
    for index, names in enumerate(groups, start=1):
        name = f"Secteur {index} — {names[0]}" if len(names) == 1 else f"Secteur {index} — {names[0]}…"
        turf = services.create_turf(name[:120], services.TurfRule(streets=names), script=DEMO_SCRIPT)
        created.append(turf)
        report.count("turfs")
    canvasser = db.session.scalar(select(User).where(User.email == DEMO_CANVASSER))
    if canvasser is not None and created:
        services.assign(created[0], canvasser, services.local_today() + timedelta(days=61))
        report.count("turf assignments")


def db_has_turfs() -> bool:
    return db.session.scalar(select(Turf.id).limit(1)) is not None
