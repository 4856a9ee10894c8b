"""Demo conversations on the demo residents: door knocks over ten weeks, one-on-ones, a chain of house
meetings, commitments both ways and moves on the ladder. Deterministic (seeded) and idempotent."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from organizer.auth.models import User
from organizer.conversations import services
from organizer.conversations.models import DoorKnock, HouseMeeting, OneOnOne
from organizer.extensions import db
from organizer.residents.models import Resident

SEED = 20260405
CANVASSER = "benevole@demo.organizer.test"
ORGANIZER = "organisatrice@demo.organizer.test"
ISSUES = ("Loyers trop chers", "Éclairage public", "Cantine scolaire", "Transports", "Propreté des parties communes")

KNOCK_NOTES = [
    "Le chauffage ne marche plus depuis octobre, le bailleur ne répond pas.",
    "Trouve que le loyer a trop augmenté cette année.",
    "Se plaint de l'éclairage dans la rue le soir, a peur de rentrer tard.",
    "Parent d'élève, inquiète du prix de la cantine.",
    "Le bus 12 passe toutes les 40 minutes, c'est trop peu.",
    "Les poubelles débordent dans le hall, personne ne nettoie.",
    "Intéressé par une réunion avec les voisins.",
    "Pas le temps de parler, repasser samedi matin.",
]
SENSITIVE_NOTES = [
    "Menace d'expulsion, dette de loyer de 3 mois.",
    "Situation de santé difficile, ne pas évoquer devant les enfants.",
]
STORIES = [
    (
        "Arrivée dans le quartier il y a quinze ans, elle a élevé ses trois enfants ici. Elle a vu l'immeuble se"
        " dégrader depuis le changement de bailleur.",
        "Des logements dignes pour sa famille ; être respectée par le bailleur.",
        "Sa foi, ses enfants, l'entraide entre voisines.",
        "Connaît tout l'escalier B ; bénévole à l'épicerie solidaire ; parle arabe et français.",
    ),
    (
        "Retraité de la SNCF, syndicaliste pendant trente ans. S'ennuie depuis la retraite et veut être utile.",
        "Retrouver un collectif ; que le quartier ne soit pas oublié par la mairie.",
        "La justice sociale, la transmission aux jeunes.",
        "Anciens collègues, club de pétanque ; sait animer une réunion.",
    ),
    (
        "Mère seule, travaille de nuit à l'hôpital. La cantine coûte de plus en plus cher pour ses deux enfants.",
        "Des tarifs de cantine au quotient familial ; du temps pour ses enfants.",
        "Ses enfants, son métier de soignante.",
        "Groupe WhatsApp des parents de l'école Jules-Ferry.",
    ),
    (
        "Étudiant en master, vit en colocation au 4e. Prend le bus tous les jours pour la fac.",
        "Un bus plus fréquent le soir ; un loyer qui ne mange pas toute sa bourse.",
        "L'écologie, la musique.",
        "Association étudiante ; à l'aise avec les réseaux sociaux et les affiches.",
    ),
]
ASKS = [
    ("Accueillir une réunion d'appartement chez vous avec 5 voisins ?", "yes"),
    ("Venir à la réunion publique du mois prochain ?", "yes"),
    ("Faire le porte-à-porte avec nous un samedi ?", "counter"),
    ("Prendre la parole devant le bailleur ?", "later"),
    ("Rejoindre l'équipe cantine ?", "no"),
]
ASSESSMENTS = [
    "Beaucoup d'énergie, colère juste sur les loyers ; leader potentielle.",
    "Réseau large mais peu disponible ; à relancer après les vacances.",
    "Très motivé, a déjà des idées d'action ; lui confier une tâche concrète.",
    "Prudente, a besoin de voir que d'autres s'engagent ; l'inviter à la prochaine réunion.",
]
PLACES = ["Café du marché", "Chez elle", "Chez lui", "Local de l'association", "Square Jean-Moulin"]
RESIDENT_PROMISES = [
    "Parler de la réunion à ses voisins de palier",
    "Apporter les quittances de loyer des 12 derniers mois",
    "Venir à la réunion publique",
    "Photographier les lampadaires en panne",
    "Faire signer la pétition dans l'escalier B",
]
OUR_PROMISES = [
    "Envoyer le compte rendu de la réunion",
    "Se renseigner sur les aides au loyer",
    "Rappeler pour fixer la date de la réunion d'appartement",
    "Transmettre la demande au service de la voirie",
]
RESULTS = (["talked"] * 9) + (["not_home"] * 7) + ["refused", "come_back", "come_back", "moved", "language_barrier"]


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(10, 19), rng.choice((0, 15, 30, 45))), tzinfo=UTC)


def load(report) -> None:
    """Create the demo conversations once; do nothing without demo residents or demo users."""
    canvasser = db.session.scalar(select(User).where(User.email == CANVASSER))
    organizer = db.session.scalar(select(User).where(User.email == ORGANIZER))
    residents = list(
        db.session.scalars(
            select(Resident)
            .where(Resident.household_id.is_not(None), Resident.do_not_contact.is_(False))
            .order_by(Resident.id)
            .limit(200)
        )
    )
    if canvasser is None or organizer is None or len(residents) < 20:
        return
    if db.session.scalar(select(OneOnOne.id).limit(1)) or db.session.scalar(select(HouseMeeting.id).limit(1)):
        return
    issues = {name: services.get_or_create_issue(name) for name in ISSUES}
    rng = random.Random(SEED)
    today = date.today()
    issue_list = list(issues.values())
    _door_knocks(rng, today, residents, issue_list, canvasser, organizer, report)
    _one_on_ones(rng, today, residents, issues, organizer, report)
    _house_meetings(rng, today, residents, issues, organizer, report)
    _commitments(rng, today, residents, canvasser, organizer, report)


def _door_knocks(rng, today, residents, issue_list, canvasser, organizer, report) -> None:
    days = sorted(today - timedelta(days=rng.randint(0, 69)) for _ in range(200))
    for day in days:
        resident = rng.choice(residents)
        result = rng.choice(RESULTS)
        talked = result == "talked"
        sensitive = talked and rng.random() < 0.08
        note = rng.choice(SENSITIVE_NOTES) if sensitive else (rng.choice(KNOCK_NOTES) if talked else None)
        knock = DoorKnock(
            household_id=resident.household_id,
            resident_id=resident.id if talked else None,
            canvasser_id=(canvasser if rng.random() < 0.7 else organizer).id,
            knocked_at=_moment(rng, day),
            result=result,
            support_level=rng.choice((2, 3, 3, 4, 4, 5)) if talked else None,
            note=note,
            note_sensitive=sensitive,
            follow_up=talked and rng.random() < 0.25,
            entered_via=rng.choice(("sheet", "sheet", "phone", "manual")),
            issues=rng.sample(issue_list, rng.randint(1, 2)) if talked else [],
        )
        db.session.add(knock)
        if talked:
            services.touch_contact(resident.id, knock.knocked_at)
        report.count("door knocks")
    db.session.flush()


def _one_on_ones(rng, today, residents, issues, organizer, report) -> None:
    people = rng.sample(residents[:60], 15)
    for index, resident in enumerate(people):
        story, needs, meaning, networks = STORIES[index % len(STORIES)]
        ask, answer = ASKS[index % len(ASKS)]
        met_on = today - timedelta(days=rng.randint(2, 65))
        data = {
            "resident_id": resident.id,
            "met_on": met_on,
            "place": rng.choice(PLACES),
            "duration_minutes": rng.choice((30, 40, 45, 60)),
            "referred_by_id": people[index - 1].id if index and rng.random() < 0.4 else None,
            "story": story,
            "needs": needs,
            "sources_of_meaning": meaning,
            "networks": networks,
            "energy": rng.randint(2, 5),
            "ask": ask,
            "answer": answer,
            "answer_by": met_on + timedelta(days=14) if answer == "later" else None,
            "follow_up_on": met_on + timedelta(days=rng.choice((7, 14, 21))),
            "assessment": ASSESSMENTS[index % len(ASSESSMENTS)],
            "note_sensitive": index % 7 == 3,
        }
        chosen = [issues[name] for name in rng.sample(ISSUES, rng.randint(1, 3))]
        services.save_one_on_one(None, data, chosen, organizer)
        report.count("one-on-ones")


def _house_meetings(rng, today, residents, issues, organizer, report) -> None:
    """Three meetings in a chain: a guest of the first hosts the second, and so on."""
    pool = rng.sample(residents[60:], 16)
    host = pool.pop()
    for number, weeks_ago in enumerate((8, 5, 2)):
        held_on = today - timedelta(weeks=weeks_ago)
        guests = [pool.pop() for _ in range(4)]
        lines = []
        for position, guest in enumerate(guests):
            brought = "host" if position < 2 else f"line-{position - 2}"
            lines.append(services.AttendeeInput(resident_id=guest.id, brought_by=brought, new_host=position == 3))
        chosen = [issues[name] for name in rng.sample(ISSUES, 2)]
        data = {
            "host_id": host.id,
            "held_on": held_on,
            "place": "Chez l'hôte, " + rng.choice(("escalier A", "escalier B", "rez-de-chaussée")),
            "notes": "Tour de table sur les problèmes du quartier ; "
            + ("décision d'écrire au bailleur." if number == 0 else "on prépare la réunion publique."),
        }
        services.save_house_meeting(None, data, chosen, lines, organizer)
        report.count("house meetings")
        if host.leadership_stage in ("contact", "supporter"):
            services.move_stage(
                host,
                "volunteer",
                "hosted_house_meeting",
                f"A accueilli {len(guests)} voisins le {held_on.strftime('%d/%m/%Y')}",
                organizer,
            )
            report.count("stage changes")
        host = guests[3]  # the new host of this meeting hosts the next one
    for resident in rng.sample(residents[:60], 4):
        if resident.leadership_stage == "contact":
            services.move_stage(
                resident, "supporter", "kept_commitment", "Est venu·e à la réunion publique comme promis", organizer
            )
            report.count("stage changes")


def _commitments(rng, today, residents, canvasser, organizer, report) -> None:
    for index in range(14):
        resident = rng.choice(residents[:80])
        ours = index % 3 == 2
        owner = canvasser if index % 5 == 0 else organizer
        what = rng.choice(OUR_PROMISES if ours else RESIDENT_PROMISES)
        data = {
            "from_resident_id": None if ours else resident.id,
            "to_resident_id": resident.id if ours else None,
            "from_user_id": owner.id if ours else None,
            "to_user_id": None if ours else organizer.id,
            "what": what,
            "due_on": today + timedelta(days=rng.choice((-12, -4, -1, 2, 5, 6, 15, 30))),
            "owner_id": owner.id,
        }
        commitment = services.save_commitment(None, data, organizer)
        if index % 4 == 1:
            services.set_commitment_status(commitment, "done")
        report.count("commitments")
