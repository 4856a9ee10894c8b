"""A turf of blocks of flats held by a canvasser: 12 rue des Lilas, building A, two staircases, floors 0-3."""

from datetime import timedelta

from sqlalchemy import select

from organizer.auth.models import User
from organizer.conversations.models import Issue
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import name_key, street_key
from organizer.turfs import services as turfs
from organizer.turfs.models import Turf

FIRST = ["Hélène", "Karim", "Fatou", "Julien", "Marie", "Yanis", "Chloé", "Mehdi", "Léa", "Thomas"]
LAST = ["Martin", "Benali", "Diallo", "Moreau", "Dubois", "Nguyen", "Lefèvre", "Haddad", "Petit", "Roux"]


def make_block_turf(app, email: str, doors: int = 12, name: str = "Les Lilas", street: str = "rue des Lilas") -> dict:
    """`doors` flats (4 per floor, 2 staircases) assigned to the user with `email` for 7 days; every other
    flat has a resident; the third flat's only resident asked not to be contacted (a "do not knock" door).
    Returns ids: turf, households (in walking order), residents by household, issue."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        turf = Turf(name=name, script="Bonjour, nous sommes l'amicale des locataires.")
        db.session.add(turf)
        db.session.flush()
        households, residents = [], {}
        for n in range(doors):
            staircase, rest = divmod(n, doors // 2 if doors >= 8 else doors)
            floor, door = divmod(rest, 4)
            address = Address(
                number=12,
                street=street,
                street_key=street_key(street),
                building="A",
                staircase=str(staircase + 1),
                floor="RDC" if floor == 0 else str(floor),
                door=str(door + 1),
                turf_id=turf.id,
                city="Mont-Bonvillers",
            )
            household = Household(address=address)
            db.session.add(household)
            db.session.flush()
            households.append(household.id)
            if n % 2 == 0:
                first, last = FIRST[n % 10], f"{LAST[n % 10]}{n}"
                resident = Resident(
                    first_name=first,
                    last_name=last,
                    name_key=name_key(first, last),
                    household_id=household.id,
                    data_source="test",
                    do_not_contact=n == 2,
                )
                db.session.add(resident)
                db.session.flush()
                residents[household.id] = resident.id
        issue = db.session.scalar(select(Issue).where(Issue.key == "chauffage"))
        if issue is None:
            issue = Issue(name="Chauffage", key="chauffage")
            db.session.add(issue)
        turfs.assign(turf, user, turfs.local_today() + timedelta(days=7))
        db.session.commit()
        ordered = [door.household.id for door in turfs.turf_doors(turf)]
        return {"turf": turf.id, "households": ordered, "residents": residents, "issue": issue.id, "user": user.id}
