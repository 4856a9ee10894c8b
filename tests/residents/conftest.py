"""Fixtures for the residents feature: a few residents, a turf for a canvasser, file builders."""

from datetime import date, timedelta

import pytest

from organizer.auth.models import User
from organizer.extensions import db
from organizer.residents import services
from organizer.residents.models import Address
from organizer.turfs.models import Turf, TurfAssignment

ELECTORAL_HEADER = (
    "TypeListe;InfoListe;DateCreationListe;CodeDepartement;CodeCommune;NomCommune;NoElecteurGeneral;Sexe;"
    "NomdeNaissance;NomDusage;Prenoms;DateDeNaissance;NomComNaissance;DeptNaissance;PaysNaissance;Nationalite;"
    "NomBureauDeVote;NoBureauDeVote;CodeCanton;CodeCirconscription;ComplementDeLocalisation1;"
    "ComplementDeLocalisation2;NumeroVoie;TypeVoie;LibelleVoie;LieuDit;CodePostal;VilleLocalite;Pays"
)


def electoral_row(number, birth, usage, first, born, street_no, street_type, street, bureau="1"):
    """One row of an electoral list extract (29 columns)."""
    cells = [
        "LP",
        "Liste principale",
        "01/03/2026",
        "54",
        "084",
        "Mont-Bonvillers",
        str(number),
        "F",
        birth,
        usage,
        first,
        born,
        "Nancy",
        "54",
        "France",
        "Française",
        "École Jules Ferry",
        bureau,
        "5401",
        "01",
        "",
        "",
        street_no,
        street_type,
        street,
        "",
        "54111",
        "Mont-Bonvillers",
        "France",
    ]
    assert len(cells) == 29
    return ";".join(cells)


def electoral_file(rows: list[str]) -> str:
    return "\r\n".join([ELECTORAL_HEADER, *rows]) + "\r\n"


NATIONBUILDER = (
    "nationbuilder_id,first_name,last_name,email,mobile_number,primary_address1,primary_address2,primary_city,"
    "primary_zip,tag_list,do_not_contact,born_at\n"
    "101,Hélène,Durand,helene.durand@example.org,06 12 34 56 78,12 bis rue Joffre,,Mont-Bonvillers,54111,"
    '"locataire, parent d\'élève",false,1984-05-02\n'
    '102,François,Nguyen,f.nguyen@example.org,+33 7 01 02 03 04,"3 allée des Acacias",Bât. B,Mont-Bonvillers,'
    "54111,propriétaire,true,\n"
    '103,Chloé,"Martin ""la Grande""",chloe.martin@example.org,0699887766,5 rue Joffre,,Mont-Bonvillers,54111,,,\n'
)


@pytest.fixture
def people(app, make_user):
    """Three residents on two streets, a turf on rue Joffre assigned to a canvasser."""
    organizer_id, organizer_email = make_user("organizer", email="orga@example.org", name="Nadia Benali")
    canvasser_id, canvasser_email = make_user("canvasser", email="canvass@example.org", name="Léa Dubois")
    leader_id, leader_email = make_user("leader", email="leader@example.org", name="Julien Moreau")
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        helene = services.create_resident(
            {"first_name": "Hélène", "last_name": "Dupont", "phone": "06 12 34 56 78", "data_source": "Porte-à-porte"},
            by=organizer,
            address={"number": "12 bis", "street": "Rue Joffre", "city": "Mont-Bonvillers"},
        )
        marc = services.create_resident(
            {"first_name": "Marc", "last_name": "Lefèvre", "email": "marc@example.org", "data_source": "Réunion"},
            by=organizer,
            address={"number": "3", "street": "Allée des Acacias"},
        )
        zoe = services.create_resident(
            {
                "first_name": "Zoé",
                "last_name": "Bernard",
                "do_not_contact": True,
                "data_source": "Porte-à-porte",
                "phone": "0611111111",
                "email": "zoe@example.org",
            },
            by=organizer,
            address={"number": "14", "street": "rue Joffre"},
        )
        turf = Turf(name="Joffre")
        db.session.add(turf)
        db.session.flush()
        for address in db.session.scalars(db.select(Address).where(Address.street_key == "rue joffre")):
            address.turf_id = turf.id
        db.session.add(TurfAssignment(turf_id=turf.id, user_id=canvasser_id, until=date.today() + timedelta(days=7)))
        db.session.commit()
        return {
            "helene": helene.id,
            "marc": marc.id,
            "zoe": zoe.id,
            "organizer": organizer_email,
            "organizer_id": organizer_id,
            "canvasser": canvasser_email,
            "canvasser_id": canvasser_id,
            "leader": leader_email,
            "turf": turf.id,
        }
