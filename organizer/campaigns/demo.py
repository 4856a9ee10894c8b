"""Demo campaign: renovating the Acacias estate in Mont-Bonvillers, against a (fictional) social landlord."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from organizer.auth.models import User
from organizer.campaigns import services
from organizer.campaigns.models import Actor, Campaign, LocalBody
from organizer.conversations.models import Issue
from organizer.extensions import db
from organizer.residents.normalize import fold

PARIS = ZoneInfo("Europe/Paris")
CAMPAIGN_NAME = "Rénovation de la résidence des Acacias"

LOCAL_BODIES = [
    {
        "level": "commune",
        "name": "Mont-Bonvillers",
        "code": "54084",
        "address": "Mairie, place de la République, 54111 Mont-Bonvillers",
        "services": "Accueil de la mairie\nCCAS (action sociale)\nService urbanisme et logement",
    },
    {
        "level": "intercommunalite",
        "name": "Communauté de communes Cœur du Pays-Haut",
        "code": None,
        "address": "Siège communautaire, Audun-le-Roman",
        "services": "Habitat et Programme local de l'habitat\nOPAH (aides à la rénovation)\nCollecte des déchets",
    },
    {
        "level": "departement",
        "name": "Département de Meurthe-et-Moselle",
        "code": "54",
        "address": "Hôtel du Département, 48 esplanade Jacques-Baudot, Nancy",
        "services": "Fonds de solidarité logement (FSL)\nMaison départementale des solidarités du Pays-Haut",
    },
    {
        "level": "region",
        "name": "Région Grand Est",
        "code": "44",
        "address": "Maison de la Région, Strasbourg",
        "services": "Climaxion (rénovation énergétique)\nAntenne de Metz",
    },
]

# name, kind, role, local body (name) or None, influence, stance, our relationship
ACTORS = [
    (
        "Thierry Vasseur",
        "person",
        "Directeur général de Pays-Haut Habitat (bailleur social)",
        None,
        5,
        -2,
        "Jamais rencontré ; répond aux courriers par son agence.",
    ),
    (
        "Pays-Haut Habitat",
        "body",
        "Bailleur social propriétaire de la résidence des Acacias (212 logements)",
        None,
        5,
        -1,
        "Agence locale rue de Longwy ; gardien sympathique.",
    ),
    (
        "Sylvie Marchal",
        "person",
        "Maire de Mont-Bonvillers, siège au conseil d'administration du bailleur",
        "Mont-Bonvillers",
        4,
        1,
        "Nous a reçus une fois en 2025 ; attentive avant les élections.",
    ),
    (
        "Conseil municipal de Mont-Bonvillers",
        "body",
        "27 conseillers ; séance publique mensuelle",
        "Mont-Bonvillers",
        3,
        0,
        "Deux élus d'opposition suivent le dossier.",
    ),
    (
        "Bernard Colin",
        "person",
        "Président de la communauté de communes Cœur du Pays-Haut",
        "Communauté de communes Cœur du Pays-Haut",
        3,
        0,
        "Pas de contact.",
    ),
    (
        "Martine Leclerc",
        "person",
        "Vice-présidente du Département chargée de l'habitat",
        "Département de Meurthe-et-Moselle",
        4,
        -1,
        "Le Département cofinance la réhabilitation ; prudente.",
    ),
    (
        "Région Grand Est",
        "body",
        "Finance la rénovation énergétique (Climaxion)",
        "Région Grand Est",
        2,
        1,
        "Un chargé de mission a répondu à notre courriel.",
    ),
]


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Paris, `days` from today, as UTC."""
    day = datetime.now(PARIS).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def _local_bodies(report) -> dict[str, LocalBody]:
    bodies = {}
    for data in LOCAL_BODIES:
        body = db.session.scalar(select(LocalBody).where(LocalBody.name == data["name"]))
        if body is None:
            meetings = [
                services.MeetingRow(starts_at=_at(21 + 28 * n, 19), title="Séance publique", place=None)
                for n in range(3)
            ]
            body = services.save_local_body(None, data, meetings)
            report.count("local bodies")
        bodies[body.name] = body
    return bodies


def _actors(bodies, report) -> dict[str, Actor]:
    actors = {}
    for name, kind, role, body_name, influence, stance, relationship in ACTORS:
        actor = db.session.scalar(select(Actor).where(Actor.name == name))
        if actor is None:
            actor = services.save_actor(
                None,
                {
                    "name": name,
                    "kind": kind,
                    "role_title": role,
                    "local_body_id": bodies[body_name].id if body_name else None,
                    "influence": influence,
                    "stance": stance,
                    "relationship_note": relationship,
                },
            )
            report.count("actors")
        actors[name] = actor
    return actors


def _issue() -> Issue:
    name = "Logements dégradés : humidité et chauffage"
    issue = db.session.scalar(select(Issue).where(Issue.key == fold(name)))
    if issue is None:
        issue = Issue(name=name, key=fold(name))
        db.session.add(issue)
        db.session.flush()
    return issue


def load(report) -> None:
    """Create the Acacias campaign with its power map and three actions (once)."""
    bodies = _local_bodies(report)
    actors = _actors(bodies, report)
    if db.session.scalar(select(Campaign).where(Campaign.name == CAMPAIGN_NAME)) is not None:
        return
    organizer = db.session.scalar(select(User).where(User.email == "organisatrice@demo.organizer.test"))
    leader = db.session.scalar(select(User).where(User.email == "responsable@demo.organizer.test"))
    if organizer is None or leader is None:
        return
    stakeholders = [
        services.StakeholderRow(
            "constituent",
            "Locataires de la résidence des Acacias",
            "Familles des bâtiments B et C : moisissures, chauffage collectif en panne chaque hiver",
            "Gagnent un logement sain et des charges plus basses ; risquent des représailles sur leur dossier",
            "Ils paient les loyers et votent aux élections des représentants des locataires",
        ),
        services.StakeholderRow(
            "constituent",
            "Parents d'élèves de l'école Jules-Ferry",
            "Enfants asthmatiques",
            "Gagnent moins d'absences",
            "Relais auprès de la mairie",
        ),
        services.StakeholderRow(
            "ally",
            "Amicale des locataires CNL",
            "Leur fédération suit les bailleurs du département",
            "Gagnent des adhérents",
            "Siège au conseil de concertation locative",
        ),
        services.StakeholderRow("ally", "Paroisse Saint-Martin", None, "Visibilité de son action sociale", "Salle"),
        services.StakeholderRow(
            "opponent",
            "Direction financière du bailleur",
            None,
            "Risque de devoir avancer 4 M€ de travaux",
            "Prépare le plan stratégique de patrimoine",
        ),
    ]
    campaign = services.save_campaign(
        None,
        {
            "name": CAMPAIGN_NAME,
            "status": "active",
            "summary": "Depuis trois hivers, les bâtiments B et C des Acacias sont humides et mal chauffés.",
            "long_term_goals": "Des logements sociaux dignes et économes dans tout le Pays-Haut.",
            "intermediate_goals": "Réhabilitation thermique complète des bâtiments B et C "
            "inscrite au plan du bailleur.",
            "short_term_goals": "Obtenir le plan d'entretien de la résidence\n"
            "Faire venir le directeur général à une assemblée des locataires",
            "win_definition": "Un calendrier de travaux signé avant le 31 mars, avec un début de chantier "
            "avant l'hiver prochain.",
            "resources": "62 adhérents, 8 responsables d'escalier, une salle prêtée par la paroisse, "
            "les relevés d'humidité faits par les locataires.",
            "gain_members": "50 nouveaux adhérents dans les bâtiments B et C",
            "gain_leaders": "Un responsable par escalier (12)",
            "gain_money": "600 € de cotisations pour l'expertise thermique",
            "internal_problems": "Peu de locataires disponibles en journée ; barrière de la langue au bâtiment C.",
            "tactics": "Relevés d'humidité publiés\nDélégations\nAssemblée publique avec le directeur général\n"
            "Interpellation en conseil municipal\nArticle dans Le Républicain lorrain",
        },
        by=organizer,
        lead_id=leader.id,
        team_ids=[organizer.id],
        issue_ids=[_issue().id],
        stakeholders=stakeholders,
        primary_target_id=actors["Thierry Vasseur"].id,
        secondary_target_ids=[actors["Sylvie Marchal"].id, actors["Martine Leclerc"].id],
    )
    for name in ("Pays-Haut Habitat", "Conseil municipal de Mont-Bonvillers", "Bernard Colin", "Région Grand Est"):
        actor = actors[name]
        services.place_actor(campaign, actor, actor.influence, actor.stance)
    report.count("campaigns")

    research = services.save_action(
        None,
        campaign,
        {
            "kind": "research_action",
            "title": "Rencontre à l'agence de Pays-Haut Habitat",
            "starts_at": _at(-35, 14),
            "ends_at": _at(-35, 15, 30),
            "place": "Agence Pays-Haut Habitat, 14 rue de Longwy, Mont-Bonvillers",
            "target_actor_id": actors["Pays-Haut Habitat"].id,
            "turnout_goal": 8,
            "description": "Six locataires et deux organisatrices. Porte-parole : Mme Haddad. "
            "Questions préparées en réunion d'escalier.",
        },
        [
            services.DemandRow("Nous communiquer le plan d'entretien pluriannuel de la résidence", "yes"),
            services.DemandRow(
                "Donner la date du diagnostic de performance énergétique", "partial", "« Dans l'année »"
            ),
            services.DemandRow("Rencontrer le directeur général", "no", "Renvoyé vers l'agence"),
        ],
        by=organizer,
    )
    for name in ("Amina Haddad", "Karim Belkacem", "Odile Perrin", "Jean-Luc Mathieu", "Fatou Diallo"):
        services.add_walk_in(research, name, phone=None, consent=True)
    director = next(link for link in campaign.campaign_actors if link.actor_id == actors["Thierry Vasseur"].id)
    services.evaluate(
        research,
        {
            "eval_worked": "Les relevés d'humidité ont impressionné la responsable d'agence.",
            "eval_did_not_work": "Trop long : nous n'avons pas tenu le temps de parole prévu.",
            "commitments_won": "Envoi du plan d'entretien sous 15 jours ; visite technique des bâtiments B et C.",
            "lessons": "Préparer un seul porte-parole par demande ; confirmer les présences la veille.",
        },
        {director.id: (5, -1)},
    )

    services.save_action(
        None,
        campaign,
        {
            "kind": "public_meeting",
            "title": "Assemblée publique des locataires des Acacias",
            "starts_at": _at(10, 18, 30),
            "ends_at": _at(10, 20, 30),
            "place": "Salle paroissiale Saint-Martin, 3 rue de l'Église, Mont-Bonvillers",
            "target_actor_id": actors["Thierry Vasseur"].id,
            "turnout_goal": 80,
            "description": "Témoignages (3 familles), présentation des relevés, demandes au directeur général.",
        },
        [
            services.DemandRow("Un calendrier de travaux signé avant le 31 mars"),
            services.DemandRow("Une réunion publique par trimestre jusqu'à la fin du chantier"),
        ],
        by=organizer,
    )
    services.save_action(
        None,
        campaign,
        {
            "kind": "delegation",
            "title": "Délégation à la maire de Mont-Bonvillers",
            "starts_at": _at(24, 10),
            "ends_at": _at(24, 11),
            "place": "Mairie de Mont-Bonvillers",
            "target_actor_id": actors["Sylvie Marchal"].id,
            "turnout_goal": 12,
        },
        [
            services.DemandRow("Que la maire écrive au bailleur pour soutenir le calendrier de travaux"),
            services.DemandRow("Inscrire la résidence à l'ordre du jour du prochain conseil municipal"),
        ],
        by=leader,
    )
    report.count("actions")
    report.count("actions")
    report.count("actions")
