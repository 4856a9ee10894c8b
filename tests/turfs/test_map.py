"""Turfs on a map over HTTP: the live preview (counts, other turfs, nothing changed), creating from a
drawing (take or leave), splitting with a line or by hand, merging, the turf's map data, the street list,
the printed route map, tile settings in the CSP."""

import io
import json

from pypdf import PdfReader
from sqlalchemy import func, select

from organizer.extensions import db
from organizer.residents.models import Address
from organizer.security import tile_source
from organizer.turfs import geometry, mapping, route_map, services, walksheet
from organizer.turfs.models import Turf
from organizer.turfs.services import TurfRule
from tests.turfs.conftest import add_resident, load_ban_addresses


def box_around(addresses, pad=1e-5):
    lons = [a.lon for a in addresses]
    lats = [a.lat for a in addresses]
    west, east, south, north = min(lons) - pad, max(lons) + pad, min(lats) - pad, max(lats) + pad
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def street(name):
    return list(db.session.scalars(select(Address).where(Address.street_key == name).order_by(Address.id)))


def preview(client, body):
    token = client.csrf_token()
    return client.post("/turfs/map/preview", json=body, headers={"X-CSRFToken": token})


def test_preview_counts_doors_residents_do_not_knock_and_other_turfs(app, client, make_user, ban):
    _id, email = make_user("organizer")
    with app.app_context():
        church = street("rue de l eglise")
        add_resident(church[0], "Anne", "Ici")
        add_resident(church[1], "Paul", "Secret", do_not_contact=True)
        services.create_turf("Église", TurfRule(address_ids=[church[2].id, church[3].id]))
        db.session.commit()
        polygon = box_around(church)
        rows = db.session.execute(select(Address.id, Address.lon, Address.lat)).all()
        mask = geometry.inside_mask(geometry.polygon_shape(polygon), [r.lon for r in rows], [r.lat for r in rows])
        expected = sorted(r.id for r, inside in zip(rows, mask, strict=True) if inside)
        church_ids = [a.id for a in church]
        before = db.session.scalar(select(func.count()).select_from(Address).where(Address.turf_id.is_not(None)))
    client.login(email)
    assert client.post("/turfs/map/preview", json={"polygon": polygon}).status_code == 400  # no CSRF token
    response = preview(client, {"polygon": polygon})
    data = response.get_json()
    assert response.status_code == 200
    assert data["ids"] == expected and set(church_ids) <= set(expected)
    assert data["addresses"] == len(expected) and data["doors"] == len(expected)
    assert (data["residents"], data["do_not_knock"]) == (2, 1)
    assert [(t["name"], t["count"]) for t in data["taken"]] == [("Église", 2)]
    # By hand: leave one door out, add a far one; whole streets by key|commune.
    with app.app_context():
        far = street("rue de landres")[0].id
    data = preview(client, {"polygon": polygon, "exclude_ids": [church_ids[0]], "address_ids": [far]}).get_json()
    assert church_ids[0] not in data["ids"] and far in data["ids"] and data["addresses"] == len(expected)
    data = preview(client, {"streets": ["rue de landres|Mont-Bonvillers"]}).get_json()
    assert data["addresses"] == 16
    assert preview(client, {"polygon": "{not json"}).status_code == 422
    with app.app_context():  # a preview changes nothing
        after = db.session.scalar(select(func.count()).select_from(Address).where(Address.turf_id.is_not(None)))
        assert after == before


def test_create_from_drawing_leaves_or_takes_other_turfs_doors(app, client, make_user, ban):
    _id, email = make_user("organizer")
    with app.app_context():
        church = street("rue de l eglise")
        services.create_turf("Église", TurfRule(address_ids=[church[0].id]))
        db.session.commit()
        polygon = json.dumps(box_around(church))
    client.login(email)
    base = {"polygon": polygon, "name": "Centre", "others": "leave"}
    response = client.post_form("/turfs/map/create", base)
    assert response.status_code == 302
    with app.app_context():
        centre = services.find_turf("Centre")
        ids = set(db.session.scalars(select(Address.id).where(Address.turf_id == centre.id)))
        assert church[0].id not in ids and {a.id for a in church[1:]} <= ids
        assert centre.rule["polygon"]["type"] in ("Polygon", "MultiPolygon")
    response = client.post_form("/turfs/map/create", base)  # every door is in a turf now, and left there
    assert response.status_code == 422 and "belong to other turfs" in response.get_data(as_text=True)
    response = client.post_form("/turfs/map/create", {**base, "others": "take"})
    assert response.status_code == 422 and "already exists" in response.get_data(as_text=True)
    response = client.post_form("/turfs/map/create", {**base, "name": "Centre 2", "others": "take"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Address, church[0].id).turf_id == services.find_turf("Centre 2").id
    # Nothing drawn: a clear message, the page again.
    response = client.post_form("/turfs/map/create", {"name": "Vide"})
    assert response.status_code == 422 and "holds no door" in response.get_data(as_text=True)
    # Without JavaScript: ticking a street and previewing shows the counts, creates nothing.
    page = client.post_form(
        "/turfs/map/create", {"street": "rue de landres|Mont-Bonvillers", "name": "Landres", "step": "preview"}
    ).get_data(as_text=True)
    assert 'data-testid="preview-doors">16<' in page
    with app.app_context():
        assert services.find_turf("Landres") is None


def test_split_with_a_line_and_by_hand_then_merge(app, client, make_user, ban):
    _id, email = make_user("organizer")
    with app.app_context():
        turf = services.create_turf("Joffre", TurfRule(streets=["rue marechal joffre"]))
        db.session.commit()
        addresses = street("rue marechal joffre")
        lons = sorted(a.lon for a in addresses)
        middle = (lons[len(lons) // 2 - 1] + lons[len(lons) // 2]) / 2
        lats = [a.lat for a in addresses]
        line = {"type": "LineString", "coordinates": [[middle, min(lats) - 0.01], [middle, max(lats) + 0.01]]}
        east = {a.id for a in addresses if a.lon > middle}
        turf_id = turf.id
    client.login(email)
    assert client.get(f"/turfs/{turf_id}/split").status_code == 200
    response = client.post_form(f"/turfs/{turf_id}/split", {"name": "Joffre est", "line": json.dumps(line)})
    assert response.status_code == 302
    with app.app_context():
        new = services.find_turf("Joffre est")
        moved = set(db.session.scalars(select(Address.id).where(Address.turf_id == new.id)))
        west = {a.id for a in addresses} - east
        assert moved in (east, west) and len(moved) <= len(addresses) - len(moved)
        new_id = new.id
    # A line beside the turf leaves every door on one side: refused, nothing changed.
    beside = {"type": "LineString", "coordinates": [[0, 0], [0, 1]]}
    response = client.post_form(f"/turfs/{turf_id}/split", {"name": "Rien", "line": json.dumps(beside)})
    assert response.status_code == 422 and "one side" in response.get_data(as_text=True)
    # By hand (the keyboard way): tick doors.
    one = sorted(moved)[0]
    response = client.post_form(f"/turfs/{new_id}/split", {"name": "Un", "address_ids": [str(one)]})
    assert response.status_code == 302
    # Merge both back into the first.
    for other in ("Joffre est", "Un"):
        with app.app_context():
            other_id = services.find_turf(other).id
        assert client.post_form(f"/turfs/{turf_id}/merge", {"other": str(other_id)}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Turf)) == 1
        assert db.session.scalar(select(func.count()).where(Address.turf_id == turf_id)) == len(addresses)


def test_turf_map_data_in_walking_order_for_its_holders_only(app, client, make_user, ban):
    canvasser_id, email = make_user("canvasser")
    with app.app_context():
        turf = services.create_turf("Landres", TurfRule(streets=["rue de landres"]))
        other = services.create_turf("Paix", TurfRule(streets=["rue de la paix"]))
        add_resident(street("rue de landres")[0], "Omar", "Benali")
        from organizer.auth.models import User

        services.assign(turf, db.session.get(User, canvasser_id), services.local_today())
        db.session.commit()
        expected = [d.address.id for d in services.turf_doors(turf)]
        turf_id, other_id = turf.id, other.id
    client.login(email)
    data = client.get(f"/turfs/{turf_id}/map.json").get_json()
    assert [d["address_id"] for d in data["doors"]] == expected
    assert [d["seq"] for d in data["doors"]] == list(range(1, len(expected) + 1))
    assert data["route"][0] == [data["doors"][0]["lat"], data["doors"][0]["lon"]]
    assert data["legend"]["talked"] == "Talked" and data["streets"][0]["name"] == "rue de landres"
    assert "Benali" not in json.dumps(data)  # no names of people on the map
    assert client.get(f"/turfs/{other_id}/map.json").status_code == 404
    assert client.get("/turfs/map").status_code in (302, 403)  # canvassers do not cut


def test_street_list_by_commune_with_counts(app, ban):
    with app.app_context():
        services.create_turf("Landres", TurfRule(streets=["rue de landres"]))
        streets = {s["key"]: s for s in mapping.streets_by_commune()}
        assert streets["rue de landres"] == {
            "key": "rue de landres",
            "name": "rue de landres",
            "commune": "Mont-Bonvillers",
            "addresses": 16,
            "free": 0,
        }
        assert len(streets) == 22


def test_printed_route_map_is_inline_svg_with_start_and_streets(app):
    with app.app_context(), app.test_request_context():
        load_ban_addresses({"rue de landres", "rue de l eglise"})
        turf = services.create_turf("Deux rues", TurfRule(streets=["rue de landres", "rue de l eglise"]))
        svg = str(route_map.route_svg(services.turf_doors(turf)))
        assert svg.startswith("<svg") and "Start" in svg and "href" not in svg and "url(" not in svg
        assert "rue de landres" in svg and "rue de l&#39;église" in svg  # names escaped
        assert svg.count("<polyline") == 3  # two streets and the route
        assert route_map.route_svg([]) == ""


def test_tile_host_only_in_img_src(app, client):
    assert tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert tile_source("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == "https://*.tiles.example.org"
    assert tile_source("") is None and tile_source("javascript:alert(1)") is None
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in csp  # tests run without tiles
    app.config["MAP_TILES"] = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in csp
    assert csp.count("tile.openstreetmap.org") == 1 and "connect-src 'self';" in csp


def test_rural_turf_setting_orders_the_sheet_the_grid_and_the_map(app, client, make_user, ban):
    _id, email = make_user("organizer")
    with app.app_context():
        turf_id = services.create_turf("Landres", TurfRule(streets=["rue de landres"])).id
        db.session.commit()
    client.login(email)
    form = {"name": "Landres", "script": "", "description": "", "rural": "y"}
    assert client.post_form(f"/turfs/{turf_id}/edit", form).status_code == 302
    data = client.get(f"/turfs/{turf_id}/map.json").get_json()
    numbers = [int(d["label"].split()[0]) for d in data["doors"]]
    assert numbers == [1, 2, 3, 4, 5, 7, 9, 11, 13, 15, 17, 19, 21, 21, 23, 25]  # along the road
    with app.app_context():
        turf = db.session.get(Turf, turf_id)
        assert turf.rule["rural"] is True
        assert [d.address.number for d in services.turf_doors(turf)] == numbers  # sheet and grid share it
    assert client.post_form(f"/turfs/{turf_id}/edit", {**form, "rural": ""}).status_code == 302
    with app.app_context():
        numbers = [d.address.number for d in services.turf_doors(db.session.get(Turf, turf_id))]
        assert numbers[-2:] == [4, 2]  # back to up one side, down the other


def test_cli_create_rural_turf(app, ban, runner):
    result = runner.invoke(args=["turfs", "create", "Landres", "--street", "rue de landres", "--rural", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rule"]["rural"] is True
    with app.app_context():
        doors = services.turf_doors(services.find_turf("Landres"))
        assert [d.address.number for d in doors][:4] == [1, 2, 3, 4]


def test_walk_sheet_header_carries_the_route_map(app):
    with app.app_context(), app.test_request_context():
        load_ban_addresses({"rue de landres"})
        turf = services.create_turf("Landres", TurfRule(streets=["rue de landres"]))
        html = walksheet.sheets_html([walksheet.sheet_context(turf)])
        assert html.count('class="route-map"') == 1
        sheet = walksheet.build_sheet(turf, lang="fr")
    first = PdfReader(io.BytesIO(sheet.pdf)).pages[0].extract_text()
    assert "Départ" in first  # the map's start, drawn by WeasyPrint from the inline SVG (nothing fetched)
