"""Walk order on real Mont-Bonvillers addresses, cutting turfs, visibility, and the turfs commands."""

import json
from datetime import timedelta

from sqlalchemy import select

from organizer.auth.models import User
from organizer.extensions import db
from organizer.residents.models import Address
from organizer.turfs import services
from organizer.turfs.ordering import sort_addresses
from organizer.turfs.services import TurfRule
from tests.turfs.conftest import load_ban_addresses


def labels(addresses):
    return [f"{a.number}{' ' + a.suffix if a.suffix else ''}" for a in addresses]


def test_walk_order_on_real_data_odd_up_then_even_down_with_suffixes(app):
    with app.app_context():
        addresses = [a for a in load_ban_addresses({"rue nationale"}) if a.number < 5000]  # BAN placeholders
        ordered = sort_addresses(addresses)
        numbers = [a.number for a in ordered]
        switch = next(i for i, n in enumerate(numbers) if n % 2 != numbers[0] % 2)
        up, down = numbers[:switch], numbers[switch:]
        # One side going up, the other coming back down: never twice the same direction.
        assert len({n % 2 for n in up}) == 1 and len({n % 2 for n in down}) == 1
        assert up == sorted(up) and down == sorted(down, reverse=True)
        # The file's own suffixes keep their place: 31, 31 bis going up; 34 b before 34 coming down.
        text = labels(ordered)
        assert [a.suffix for a in addresses if a.suffix]  # the data has some
        for base in {a.number for a in addresses if a.suffix}:
            run = [label for label in text if label.split()[0] == str(base)]
            expected = sorted(run, key=lambda s: (" " in s, s))
            assert run == (expected if base % 2 == numbers[0] % 2 else expected[::-1]), run


def test_suffixes_in_walking_order(app):
    with app.app_context():
        rows = [(14, None), (12, "ter"), (12, "b"), (12, None), (12, "bis"), (13, None), (11, "a"), (2, None)]
        addresses = [
            Address(id=i + 1, number=n, suffix=s, street="rue Joffre", street_key="rue joffre")
            for i, (n, s) in enumerate(rows)
        ]
        # Up the odd side, back down the even side (suffixes reversed when walking down).
        assert labels(sort_addresses(addresses)) == ["11 a", "13", "14", "12 b", "12 ter", "12 bis", "12", "2"]
        # Rural: along the road, both sides together.
        assert labels(sort_addresses(addresses, rural=True)) == [
            "2",
            "11 a",
            "12",
            "12 bis",
            "12 ter",
            "12 b",
            "13",
            "14",
        ]


def test_lower_case_streets_group_with_their_capitalised_spelling(app):
    with app.app_context():
        a = Address(id=1, number=3, street="rue maréchal joffre", street_key="rue marechal joffre")
        b = Address(id=2, number=1, street="Rue Maréchal Joffre", street_key="rue marechal joffre")
        c = Address(id=3, number=1, street="allée des acacias", street_key="allee des acacias")
        assert [x.id for x in sort_addresses([a, b, c])] == [3, 2, 1]


def test_cut_by_street_range_and_side(app, ban):
    with app.app_context():
        turf = services.create_turf(
            "Nationale impairs", TurfRule(streets=["Rue Nationale"], side="odd", number_from=1, number_to=21)
        )
        db.session.commit()
        doors = services.turf_doors(turf)
        assert [d.address.number for d in doors] == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21]
        assert turf.rule == {"streets": ["Rue Nationale"], "side": "odd", "number_from": 1, "number_to": 21}


def test_cut_by_area_and_by_hand(app, ban):
    with app.app_context():
        ids = list(db.session.scalars(select(Address.id).where(Address.street_key == "rue bernadette")))
        db.session.execute(Address.__table__.update().where(Address.id.in_(ids[:5])).values(area="Bureau 2"))
        turf = services.create_turf("Bureau 2", TurfRule(area="Bureau 2"))
        hand = services.create_turf("A la main", TurfRule(address_ids=ids[5:7]))
        db.session.commit()
        assert len(services.turf_doors(turf)) == 5
        assert {d.address.id for d in services.turf_doors(hand)} == set(ids[5:7])


def test_overlap_is_previewed_and_needs_confirmation(app, ban):
    with app.app_context():
        services.create_turf("Nationale", TurfRule(streets=["rue nationale"]))
        preview = services.preview_cut(TurfRule(streets=["rue nationale"], side="even"))
        assert preview.taken == [("Nationale", preview.count)] and preview.count > 10
        try:
            services.create_turf("Nationale pairs", TurfRule(streets=["rue nationale"], side="even"))
            raise AssertionError("overlap not refused")
        except services.OverlapError as error:
            assert error.preview.taken_count == preview.count
        assert services.find_turf("Nationale pairs") is None
        turf = services.create_turf("Nationale pairs", TurfRule(streets=["rue nationale"], side="even"), take=True)
        assert all(d.address.number % 2 == 0 for d in services.turf_doors(turf))
        assert all(d.address.number % 2 for d in services.turf_doors(services.find_turf("Nationale")))


def test_polygon_cut_point_in_polygon_with_hole_and_multipolygon(app, ban, tmp_path):
    with app.app_context():
        church = db.session.scalars(select(Address).where(Address.street_key == "rue de l eglise")).all()
        lons = [a.lon for a in church]
        lats = [a.lat for a in church]
        box = [
            [min(lons) - 1e-5, min(lats) - 1e-5],
            [max(lons) + 1e-5, min(lats) - 1e-5],
            [max(lons) + 1e-5, max(lats) + 1e-5],
            [min(lons) - 1e-5, max(lats) + 1e-5],
            [min(lons) - 1e-5, min(lats) - 1e-5],
        ]
        far = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
        geojson = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [box]}},
                {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[far]]}},
            ],
        }
        geometry = services.parse_geojson(json.dumps(geojson))
        inside = services.matching_addresses(TurfRule(polygon=geometry))
        expected = {
            a.id
            for a in db.session.scalars(select(Address).where(Address.lat.is_not(None)))
            if box[0][0] <= a.lon <= box[1][0] and box[0][1] <= a.lat <= box[2][1]
        }
        assert {a.id for a in inside} == expected and {a.id for a in church} <= expected
        # A hole covering everything leaves nothing.
        holed = {"type": "Polygon", "coordinates": [box, box]}
        assert services.matching_addresses(TurfRule(polygon=holed)) == []
        assert not services.point_in_geometry(0.5, 2, {"type": "Polygon", "coordinates": [far]})
        assert services.point_in_geometry(0.5, 0.5, {"type": "Polygon", "coordinates": [far]})


def test_bad_geojson_is_refused(app):
    with app.app_context():
        for text in ("not json", '{"type": "Point", "coordinates": [1, 2]}', '{"type": "Polygon", "coordinates": []}'):
            try:
                services.parse_geojson(text)
                raise AssertionError(text)
            except services.TurfError:
                pass


def test_canvasser_sees_only_current_assignments(app, ban, make_user):
    canvasser_id, _email = make_user("canvasser")
    organizer_id, _ = make_user("organizer")
    with app.app_context():
        mine = services.create_turf("Mine", TurfRule(streets=["rue bernadette"]))
        services.create_turf("Other", TurfRule(streets=["rue de landres"]))
        expired = services.create_turf("Expired", TurfRule(streets=["rue de la paix"]))
        canvasser = db.session.get(User, canvasser_id)
        today = services.local_today()
        services.assign(mine, canvasser, today)
        services.assign(expired, canvasser, today + timedelta(days=3))
        db.session.commit()
        expired_assignment = services.assignments_of(expired)[0]
        expired_assignment.until = today - timedelta(days=1)
        db.session.commit()
        assert [t.name for t in db.session.scalars(services.visible_turfs(canvasser))] == ["Mine"]
        organizer = db.session.get(User, organizer_id)
        assert len(db.session.scalars(services.visible_turfs(organizer)).all()) == 3
        try:
            services.assign(mine, canvasser, today - timedelta(days=1))
            raise AssertionError("past date accepted")
        except services.TurfError:
            pass


def test_cli_create_list_assign_json(app, ban, runner, make_user, tmp_path):
    _id, email = make_user("canvasser", email="lea@example.org")
    result = runner.invoke(
        args=["turfs", "create", "Nationale", "--street", "rue nationale", "--side", "even", "--json"]
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert created["name"] == "Nationale" and created["doors"] > 10 and created["residents"] == 0
    result = runner.invoke(args=["turfs", "create", "Nationale 2", "--street", "rue nationale", "--json"])
    assert result.exit_code != 0 and "other turfs" in json.loads(result.output.splitlines()[0])["error"]
    box = {"type": "Polygon", "coordinates": [[[5.0, 49.0], [6.0, 49.0], [6.0, 50.0], [5.0, 50.0], [5.0, 49.0]]]}
    path = tmp_path / "zone.geojson"
    path.write_text(json.dumps(box))
    result = runner.invoke(args=["turfs", "create", "Tout", "--polygon", str(path), "--take", "--json"])
    assert result.exit_code == 0, result.output
    everything = json.loads(result.output)
    assert everything["doors"] == ban - 0 or everything["doors"] > 400
    until = (services_today(app) + timedelta(days=30)).isoformat()
    result = runner.invoke(args=["turfs", "assign", "Tout", email, "--until", until, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["assigned_to"] == email
    result = runner.invoke(args=["turfs", "list", "--json"])
    listed = {row["name"]: row for row in json.loads(result.output)}
    assert set(listed) == {"Nationale", "Tout"}
    assert listed["Nationale"]["doors"] == 0  # all taken by "Tout"
    assert listed["Tout"]["assigned"] == [{"email": email, "until": until}]
    result = runner.invoke(args=["turfs", "assign", "Nope", email, "--until", until])
    assert result.exit_code != 0 and "No turf" in result.output


def services_today(app):
    with app.app_context():
        return services.local_today()


def test_cli_walk_sheet_one_and_all(app, ban, runner, tmp_path):
    runner.invoke(args=["turfs", "create", "Paix", "--street", "rue de la paix"])
    runner.invoke(args=["turfs", "create", "Landres", "--street", "rue de landres"])
    out = tmp_path / "paix.pdf"
    result = runner.invoke(
        args=["walk-sheet", "Paix", "--out", str(out), "--paper", "letter", "--lang", "en", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary == {"turf": "Paix", "file": str(out), "pages": 1, "doors": 3}
    assert out.read_bytes().startswith(b"%PDF")
    result = runner.invoke(args=["walk-sheet", "--all", "--out", str(tmp_path / "all"), "--rural", "--json"])
    assert result.exit_code == 0, result.output
    files = json.loads(result.output)
    assert [f["turf"] for f in files] == ["Landres", "Paix"] and files[0]["doors"] == 16
    assert all((tmp_path / "all").joinpath(f["file"].rsplit("/", 1)[1]).exists() for f in files)
    result = runner.invoke(args=["walk-sheet", "--out", str(out)])
    assert result.exit_code != 0
