"""Turfs on a map: the live preview of a polygon holding 10,000 doors (the JSON endpoint, through the app,
signed in) against shapely's bare point-in-polygon on the same points; the walking order of a 1,000-door
turf against a plain sort by street and number. Both baselines run in this process on the same data."""

import json
import math
import time

import numpy as np
import shapely

DOORS = 10_000
TURF_DOORS = 1_000
PASSWORD = "bench-password-long-enough"  # noqa: S105 - a throwaway account of a throwaway database


def _populate(app) -> dict:
    """10,000 addresses on 100 streets of a grid (odd and even sides), one household of two residents at
    every other door (one in 40 asking not to be contacted); returns the polygon holding them all."""
    from organizer.auth import services as auth
    from organizer.extensions import db
    from organizer.residents.models import Address, Household, Resident
    from organizer.residents.normalize import street_key

    with app.app_context():
        db.create_all()
        auth.create_user("bench-map@example.org", "Bench", "organizer", password=PASSWORD)
        rows = []
        for s in range(100):
            name = f"rue du Banc {s}"
            for i in range(DOORS // 100):
                side = i % 2
                rows.append(
                    {
                        "number": i + 1,
                        "street": name,
                        "street_key": street_key(name),
                        "city": "Bancville",
                        "lat": 48.80 + s * 0.0004 + side * 0.00008,
                        "lon": 2.30 + (i // 2) * 0.00012,
                    }
                )
        db.session.execute(Address.__table__.insert(), rows)
        ids = list(db.session.scalars(db.select(Address.id).order_by(Address.id)))
        db.session.execute(Household.__table__.insert(), [{"address_id": i} for i in ids[::2]])
        households = list(db.session.scalars(db.select(Household.id).order_by(Household.id)))
        db.session.execute(
            Resident.__table__.insert(),
            [
                {
                    "first_name": "Camille",
                    "last_name": f"Martin{h}",
                    "household_id": h,
                    "data_source": "bench",
                    "do_not_contact": k == 0 and h % 40 == 0,
                    "leadership_stage": "contact",
                    "version_id": 1,
                }
                for h in households
                for k in range(2)
            ],
        )
        db.session.commit()
    ring = [[2.2999, 48.7999], [2.3070, 48.7999], [2.3070, 48.8402], [2.2999, 48.8402], [2.2999, 48.7999]]
    return {"type": "Polygon", "coordinates": [ring]}


def _signed_in_client(app):
    client = app.test_client()
    response = client.post("/login", data={"email": "bench-map@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _best(function, repeat: int = 5) -> float:
    """The best of `repeat` timings (the machine is shared: the best is the least disturbed)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def _measure_preview(report, label: str) -> None:
    """The preview figures on one database."""
    from sqlalchemy import text

    from bench.__main__ import Databases
    from organizer.extensions import db
    from organizer.residents.models import Address

    app = Databases.app(report.databases.fresh(label), WTF_CSRF_ENABLED=False, MAP_TILES="")
    polygon = _populate(app)
    client = _signed_in_client(app)
    body = json.dumps({"polygon": polygon})

    def preview():
        response = client.post("/turfs/map/preview", data=body, content_type="application/json")
        assert response.status_code == 200, response.get_data(as_text=True)[:200]
        return response.get_json()

    assert preview()["addresses"] == DOORS
    app_time = _best(preview)
    with app.app_context():
        points = db.session.execute(db.select(Address.lon, Address.lat)).all()
    lons = np.array([p[0] for p in points])
    lats = np.array([p[1] for p in points])
    area = shapely.geometry.shape(polygon)

    def bare():
        shapely.prepare(area)
        return int(shapely.contains_xy(area, lons, lats).sum())

    assert bare() == DOORS
    name = f"map preview, polygon of {DOORS} doors, HTTP JSON vs bare shapely contains ({label})"
    report.add(name, app_time, _best(bare), aim="< 0.3 s")
    west, south, east, north = area.bounds
    box = {"s": south, "n": north, "w": west, "e": east}
    located = text(
        "SELECT a.id, a.lon, a.lat, a.turf_id FROM addresses a "
        "WHERE a.lat BETWEEN :s AND :n AND a.lon BETWEEN :w AND :e"
    )
    counts = text(
        "SELECT h.address_id, count(r.id) FROM households h JOIN residents r ON r.household_id = h.id "
        "JOIN addresses a ON a.id = h.address_id WHERE a.lat BETWEEN :s AND :n AND a.lon BETWEEN :w AND :e "
        "GROUP BY h.id, h.address_id"
    )

    def raw():
        with app.app_context(), db.engine.connect() as connection:
            rows = connection.execute(located, box).all()
            connection.execute(counts, box).all()
        return int(shapely.contains_xy(area, [r[1] for r in rows], [r[2] for r in rows]).sum())

    assert raw() == DOORS
    name = f"map preview, {DOORS} doors, HTTP JSON vs the same two SQL reads + shapely, raw ({label})"
    report.add(name, app_time, _best(raw), aim="<= 3x")


def run(report) -> None:
    from organizer.turfs.ordering import sort_addresses

    for label in report.databases.labels:
        _measure_preview(report, label)

    # Walking order: 1,000 addresses on 10 streets scattered in the town (pure Python, no database).
    from types import SimpleNamespace

    rng = np.random.default_rng(7)
    doors = []
    for s in range(10):
        angle = rng.uniform(0, math.pi)
        x0, y0 = rng.uniform(2.30, 2.32), rng.uniform(48.80, 48.82)
        for i in range(TURF_DOORS // 10):
            along = (i // 2) * 0.00012
            doors.append(
                SimpleNamespace(
                    id=len(doors) + 1,
                    number=i + 1,
                    suffix="bis" if i % 13 == 0 else None,
                    street=f"rue {s}",
                    street_key=f"rue {s}",
                    building=None,
                    staircase=None,
                    floor=None,
                    door=None,
                    lat=y0 + math.sin(angle) * along + (i % 2) * 0.00008,
                    lon=x0 + math.cos(angle) * along,
                )
            )
    rng.shuffle(doors)
    walk = _best(lambda: sort_addresses(doors), repeat=10)
    plain = _best(lambda: sorted(doors, key=lambda d: (d.street_key, d.number, d.suffix or "")), repeat=10)
    report.add(
        f"walking order of a {TURF_DOORS}-door turf (sides, suffixes, streets chained) vs plain sort",
        walk,
        plain,
        aim="< 0.05 s",
    )
