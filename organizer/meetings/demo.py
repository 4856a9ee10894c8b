"""Demo meetings: the built-in templates, a house meeting next week at a resident's home, a campaign
planning meeting, and the previous planning meeting with its minutes and action items (idempotent)."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from organizer.auth.models import User
from organizer.extensions import db
from organizer.meetings import commitments, services
from organizer.meetings.models import Meeting, MeetingTemplate
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import name_key, street_key

ORGANIZER_EMAIL = "organisatrice@demo.organizer.test"
LEADER_EMAIL = "responsable@demo.organizer.test"
PLANNING_TITLE = "Comité loyers : planification"


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _template(key: str) -> MeetingTemplate:
    return db.session.scalar(select(MeetingTemplate).where(MeetingTemplate.builtin_key == key))


def _host(report) -> tuple[Resident, str]:
    """A resident with a home address who may be contacted (one is created when the demo has none)."""
    row = db.session.execute(
        select(Resident, Address)
        .join(Household, Resident.household_id == Household.id)
        .join(Address, Household.address_id == Address.id)
        .where(Resident.do_not_contact.is_(False))
        .order_by(Resident.id)
        .limit(1)
    ).first()
    if row is None:
        address = Address(
            number=12,
            suffix="bis",
            street="rue Joffre",
            street_key=street_key("rue Joffre"),
            postcode="59000",
            city="Mont-Bonvillers",
        )
        household = Household(address=address)
        resident = Resident(
            first_name="Aminata",
            last_name="Diallo",
            name_key=name_key("Aminata", "Diallo"),
            phone="+33612345678",
            household=household,
            data_source="démo : réunion d'appartement",
            consent_basis="consent",
            consent_date=date.today(),
            consent_method="feuille d'émargement",
        )
        db.session.add_all([address, household, resident])
        db.session.flush()
        report.count("residents")
        return resident, "12 bis rue Joffre, Mont-Bonvillers"
    resident, address = row
    number = f"{address.number or ''}{' ' + address.suffix if address.suffix else ''}".strip()
    return resident, f"{number} {address.street}, {address.city or ''}".strip(" ,")


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    return services.from_local(date.today() + timedelta(days=days), time(hour, minute))


def load(report) -> None:
    """Create what is missing of the demo meetings."""
    for _template_created in range(services.ensure_builtin_templates()):
        report.count("meeting templates")
    organizer, leader = _user(ORGANIZER_EMAIL), _user(LEADER_EMAIL)
    existing = set(db.session.scalars(select(Meeting.title)))

    host, home = _host(report)
    house_title = f"Réunion d'appartement chez {host.display_name}"
    if house_title not in existing:
        meeting = services.create_meeting(
            house_title,
            _at(7, 18, 30),
            duration_minutes=90,
            place=home,
            purpose="Écouter les voisin·es sur les loyers et les charges, et trouver qui accueillera la suivante.",
            template=_template("house_meeting"),
            created_by=organizer,
        )
        services.update_meeting(
            meeting,
            chair_id=organizer.id if organizer else None,
            facilitator_id=leader.id if leader else None,
        )
        services.add_resident_attendee(meeting, host.id, rsvp="yes")
        neighbours = db.session.scalars(
            select(Resident.id)
            .where(Resident.id != host.id, Resident.do_not_contact.is_(False))
            .order_by(Resident.id)
            .limit(4)
        )
        for index, resident_id in enumerate(neighbours):
            services.add_resident_attendee(meeting, resident_id, rsvp=("yes", "maybe", "invited", "no")[index])
        if organizer:
            services.add_user_attendee(meeting, organizer.id, rsvp="yes")
        report.count("meetings")

    if PLANNING_TITLE not in existing:
        past = services.create_meeting(
            PLANNING_TITLE,
            _at(-14, 19),
            duration_minutes=90,
            place="Local de l'union, 3 rue Joffre",
            purpose="Préparer la délégation au bailleur sur les charges de chauffage.",
            template=_template("campaign_planning"),
            created_by=leader,
        )
        services.update_meeting(
            past,
            chair_id=leader.id if leader else None,
            note_taker_id=organizer.id if organizer else None,
            minutes="Onze présent·es. Relevé des charges : +38 % en deux ans dans les bâtiments A et C.\n"
            "La mairie ne répond pas aux courriers.",
            decisions="Délégation au bailleur le mois prochain ; pétition d'ici là.",
        )
        for user in (leader, organizer):
            if user:
                services.add_user_attendee(past, user.id, rsvp="yes").attended = True
        commitments.add_action_item(
            past,
            "Faire signer la pétition au bâtiment A",
            user_id=organizer.id if organizer else None,
            due_date=date.today() - timedelta(days=3),
            created_by=leader,
        )
        commitments.add_action_item(
            past,
            "Demander un rendez-vous au bailleur",
            user_id=leader.id if leader else None,
            due_date=date.today() + timedelta(days=5),
            created_by=leader,
        )
        commitments.add_action_item(
            past,
            "Venir témoigner à la délégation",
            resident_id=host.id,
            due_date=date.today() + timedelta(days=20),
            created_by=leader,
        )
        upcoming = services.create_meeting(
            PLANNING_TITLE,
            _at(10, 19),
            duration_minutes=90,
            place="Local de l'union, 3 rue Joffre",
            purpose="Bilan de la pétition, choix de la date de la délégation.",
            template=_template("campaign_planning"),
            created_by=leader,
        )
        services.update_meeting(
            upcoming,
            chair_id=leader.id if leader else None,
            facilitator_id=organizer.id if organizer else None,
            note_taker_id=organizer.id if organizer else None,
        )
        for user in (leader, organizer):
            if user:
                services.add_user_attendee(upcoming, user.id, rsvp="yes")
        services.add_resident_attendee(upcoming, host.id, rsvp="maybe")
        report.count("meetings")
        report.count("meetings")
    db.session.flush()
