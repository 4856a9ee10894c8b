"""Residents: importing 100,000 people with their addresses, on each database.

The app's whole import (decode, detect, validate, normalise, match, write) of a generated
NationBuilder-style CSV, against a bare `executemany` of the same rows into the same tables of the same
empty database. (Search is measured on the shared data set by bench_pages.)
"""

import random
import time
from datetime import UTC, datetime

N_RESIDENTS = 100_000
N_SEARCHES = 40
FIRST = ("Hélène", "Camille", "Nadia", "Léa", "Chloé", "Inès", "Julien", "Karim", "François", "Loïc", "Mehdi", "Zoé")
LAST = ("Martin", "Bernard", "Dubois", "Lefèvre", "Durand", "Benali", "Diallo", "Nguyen", "Da Silva", "Moreau")
STREETS = ("rue Joffre", "allée des Acacias", "avenue Jean Jaurès", "place de la République", "rue de la Gare")


class _Everyone:
    """A viewer who sees every resident (as an organizer does)."""

    id = 0

    @staticmethod
    def has_role(*_roles):
        return True


def _people(rng: random.Random) -> list[tuple]:
    rows = []
    for n in range(N_RESIDENTS):
        first = rng.choice(FIRST) + ("" if n % 3 else f"-{rng.choice(FIRST)}")
        last = f"{rng.choice(LAST)}{n % 997}"
        number, street = 1 + (n // 3) % 400, STREETS[(n // 1200) % len(STREETS)] + f" {(n // 6000)}"
        rows.append((str(n + 1), first, last, f"p{n}@example.org", f"06{n:08d}", f"{number} {street}", "54111"))
    return rows


def _csv(rows: list[tuple]) -> bytes:
    lines = ["nationbuilder_id,first_name,last_name,email,mobile_number,primary_address1,primary_city,primary_zip"]
    lines += [f"{i},{f},{last},{e},{p},{a},Mont-Bonvillers,{z}" for i, f, last, e, p, a, z in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _clear(db) -> None:
    from sqlalchemy import text

    for table in ("resident_tags", "residents", "households", "addresses", "audit_events"):
        db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    db.session.commit()


def _bare_insert(db, rows: list[tuple]) -> float:
    """executemany of the same rows (already split and normalised: the most favourable baseline)."""
    from organizer.residents.normalize import fold, phone_e164, street_key

    now = datetime.now(UTC).isoformat()
    addresses, address_ids, households, residents = [], {}, [], []
    for ident, first, last, email, phone, address, postcode in rows:
        number, street = address.split(" ", 1)
        key = (street, number)
        if key not in address_ids:
            address_ids[key] = len(addresses) + 1
            addresses.append(
                (len(addresses) + 1, int(number), street, street_key(street), postcode, "Mont-Bonvillers", now, now)
            )
            households.append((len(households) + 1, address_ids[key], now, now))
        residents.append(
            (
                first,
                last,
                f"{fold(first)} {fold(last)}",
                f"{fold(last)} {fold(first)}",
                phone_e164(phone),
                email,
                ident,
                address_ids[key],
                "bench",
                now,
                now,
            )
        )
    connection = db.engine.raw_connection()
    postgres = db.engine.dialect.name == "postgresql"
    started = time.perf_counter()
    cursor = connection.cursor()
    if not postgres:
        cursor.execute("BEGIN")  # psycopg opens its transaction by itself
    many = (lambda sql, rows: cursor.executemany(sql.replace("?", "%s"), rows)) if postgres else cursor.executemany
    many(
        "INSERT INTO addresses (id, number, street, street_key, postcode, city, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        addresses,
    )
    many("INSERT INTO households (id, address_id, created_at, updated_at) VALUES (?, ?, ?, ?)", households)
    many(
        "INSERT INTO residents (first_name, last_name, name_key, sort_key, phone, email, source_id, household_id,"
        " data_source, created_at, updated_at, version, leadership_stage, quote_consent, do_not_contact,"
        " note_sensitive)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'contact', FALSE, FALSE, FALSE)",
        residents,
    )
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def run(report) -> None:
    from organizer.extensions import db
    from organizer.residents.importing import run_import

    rows = _people(random.Random(3))
    data = _csv(rows)
    for label in report.databases.labels:
        app = report.databases.app(report.databases.fresh(label))
        with app.app_context():
            db.create_all()
            baseline = _bare_insert(db, rows)
            _clear(db)
            started = time.perf_counter()
            result = run_import(data, "bench.csv", source="bench")
            db.session.commit()
            elapsed = time.perf_counter() - started
            assert result.created["residents"] == N_RESIDENTS, result.created
            report.add(
                f"import {N_RESIDENTS:,} residents + {result.created['addresses']:,} addresses ({label})",
                elapsed,
                baseline,
                aim="aim <= 3x bare executemany of the same rows",
            )
            db.session.remove()
            db.engine.dispose()
