"""Turf fixtures: real Mont-Bonvillers addresses loaded with a small CSV reader (the import feature is
built elsewhere), and helpers to cut turfs and add residents."""

import csv
from pathlib import Path

import pytest

from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import name_key, normalize_suffix, split_number, street_key

BAN_FILE = Path(__file__).resolve().parents[1] / "data" / "fr-ban-legacy-54084-mont-bonvillers.csv"


def load_ban_addresses(streets: set[str] | None = None) -> list[Address]:
    """Create Address rows from the BAN legacy file (only `streets`, by street_key, when given)."""
    addresses = []
    with BAN_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            key = street_key(row["nom_voie"])
            if streets is not None and key not in streets:
                continue
            number, suffix = split_number(row["numero"])
            addresses.append(
                Address(
                    number=number,
                    suffix=normalize_suffix(row["rep"]) or suffix,
                    street=row["nom_voie"],
                    street_key=key,
                    postcode=row["code_post"],
                    city=row["nom_commune"],
                    insee_code=row["code_insee"],
                    lat=float(row["lat"]) if row["lat"] else None,
                    lon=float(row["lon"]) if row["lon"] else None,
                    source_id=row["id"],
                )
            )
    db.session.add_all(addresses)
    db.session.flush()
    return addresses


def add_resident(address: Address, first: str, last: str, do_not_contact: bool = False, household=None) -> Resident:
    """A resident in `household` (or a new household at `address`)."""
    if household is None:
        household = Household(address_id=address.id)
        db.session.add(household)
        db.session.flush()
    resident = Resident(
        first_name=first,
        last_name=last,
        name_key=name_key(first, last),
        household_id=household.id,
        data_source="test",
        do_not_contact=do_not_contact,
    )
    db.session.add(resident)
    db.session.flush()
    return resident


@pytest.fixture
def ban(app):
    """All 501 Mont-Bonvillers addresses loaded; returns their count."""
    with app.app_context():
        count = len(load_ban_addresses())
        db.session.commit()
        return count
