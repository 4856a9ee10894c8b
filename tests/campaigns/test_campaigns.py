"""Strategy chart round-trip, validation, conflicts and the power map drawn on the campaign page."""

import re
import xml.etree.ElementTree as ET

from organizer.auth.models import User
from organizer.campaigns import services
from organizer.campaigns.models import Campaign
from organizer.conversations.models import Issue
from organizer.extensions import db
from tests.campaigns.conftest import get_campaign

SVG_NS = "{http://www.w3.org/2000/svg}"

CHART = {
    "name": "Chauffage à la résidence des Tilleuls",
    "status": "planning",
    "summary": "Trois hivers sans chauffage correct",
    "long_term_goals": "Des logements dignes pour tous les locataires",
    "intermediate_goals": "Remplacement de la chaudière collective",
    "short_term_goals": "Un rendez-vous avec le directeur d'agence",
    "win_definition": "Chaudière neuve avant le 1er novembre",
    "resources": "40 adhérents, une salle prêtée par la paroisse",
    "gain_members": "20 nouveaux adhérents au bâtiment C",
    "gain_leaders": "Deux responsables d'escalier",
    "gain_money": "300 € de cotisations",
    "internal_problems": "Peu de bénévoles disponibles en semaine",
    "tactics": "Pétition, délégation, conférence de presse",
}


def chart_form(world_ids: dict, **overrides) -> dict:
    data = dict(CHART)
    data.update(
        {
            "primary_target": str(world_ids["landlord"]),
            "secondary_targets": [str(world_ids["mayor"])],
            "lead": str(world_ids["leader_id"]),
            "team": [str(world_ids["organizer_id"])],
            "stakeholders-0-kind": "constituent",
            "stakeholders-0-who": "Locataires du bâtiment C",
            "stakeholders-0-whose_problem": "Les familles avec enfants",
            "stakeholders-0-gain_or_risk": "Un hiver au chaud",
            "stakeholders-0-power": "Ils votent et ils paient le loyer",
            "stakeholders-1-kind": "opponent",
            "stakeholders-1-who": "Société de maintenance",
            "stakeholders-1-whose_problem": "",
            "stakeholders-1-gain_or_risk": "Perd le contrat",
            "stakeholders-1-power": "Lobbying auprès du bailleur",
            "stakeholders-2-kind": "ally",
            "stakeholders-2-who": "",
        }
    )
    data.update(overrides)
    return data


def test_strategy_chart_round_trip(app, client, campaign_world):
    w = campaign_world
    with app.app_context():
        issue = Issue(name="Chauffage", key="chauffage")
        db.session.add(issue)
        db.session.commit()
        issue_id = issue.id
    client.login(w["organizer"])
    response = client.post_form("/campaigns/new", chart_form(w, issues=[str(issue_id)]))
    assert response.status_code == 302
    campaign_id = int(re.search(r"/campaigns/(\d+)$", response.headers["Location"]).group(1))

    with app.app_context():
        campaign = get_campaign(campaign_id)
        for name, value in CHART.items():
            assert getattr(campaign, name) == value, name
        assert campaign.lead_id == w["leader_id"]
        # The creator is on the team, with the lead and the members chosen.
        assert {m.id for m in campaign.team} == {w["leader_id"], w["organizer_id"]}
        assert [i.name for i in campaign.issues] == ["Chauffage"]
        assert [(s.kind, s.who) for s in campaign.stakeholders] == [
            ("constituent", "Locataires du bâtiment C"),
            ("opponent", "Société de maintenance"),
        ]
        first = campaign.stakeholders[0]
        assert (first.whose_problem, first.gain_or_risk, first.power) == (
            "Les familles avec enfants",
            "Un hiver au chaud",
            "Ils votent et ils paient le loyer",
        )
        assert [link.actor_id for link in services.targets(campaign, "primary")] == [w["landlord"]]
        assert [link.actor_id for link in services.targets(campaign, "secondary")] == [w["mayor"]]
        version = campaign.version

    # The edit form shows every saved value back.
    page = client.get(f"/campaigns/{campaign_id}/edit").get_data(as_text=True)
    for value in CHART.values():
        if value not in ("planning",):
            assert value.replace("'", "&#39;") in page, value
    assert "Locataires du bâtiment C" in page

    # Edit: change fields, swap the targets, drop a row.
    edited = chart_form(
        w,
        version=str(version),
        status="active",
        win_definition="Chaudière neuve et indemnisation",
        primary_target=str(w["mayor"]),
        secondary_targets=[str(w["landlord"])],
        **{"stakeholders-1-who": ""},
    )
    response = client.post_form(f"/campaigns/{campaign_id}/edit", edited)
    assert response.status_code == 302
    with app.app_context():
        campaign = get_campaign(campaign_id)
        assert campaign.status == "active"
        assert campaign.win_definition == "Chaudière neuve et indemnisation"
        assert [s.who for s in campaign.stakeholders] == ["Locataires du bâtiment C"]
        assert [link.actor_id for link in services.targets(campaign, "primary")] == [w["mayor"]]
        assert [link.actor_id for link in services.targets(campaign, "secondary")] == [w["landlord"]]
        assert campaign.version == version + 1
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Chaudière neuve et indemnisation" in page
    assert "Société de maintenance" not in page


def test_validation_error_redisplays_the_form(app, client, campaign_world):
    w = campaign_world
    client.login(w["organizer"])
    response = client.post_form("/campaigns/new", chart_form(w, name=""))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Please correct the highlighted fields." in page
    assert 'aria-invalid="true"' in page
    # Nothing typed is lost.
    assert "Un rendez-vous avec le directeur d" in page
    assert "Locataires du bâtiment C" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 1


def test_concurrent_edit_shows_conflict_and_overwrites_nothing(app, client, campaign_world):
    w = campaign_world
    client.login(w["organizer"])
    url = f"/campaigns/{w['campaign']}/edit"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)

    # Someone else saves in between.
    with app.app_context():
        campaign = get_campaign(w["campaign"])
        campaign.tactics = "Occupation du hall"
        db.session.commit()

    mine = chart_form(w, version=version, name="Rénovation des Acacias", tactics="Pétition en ligne")
    response = client.post_form(url, mine)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Pétition en ligne" in page and "Occupation du hall" in page
    with app.app_context():
        assert get_campaign(w["campaign"]).tactics == "Occupation du hall"
        current = get_campaign(w["campaign"]).version

    # Keeping my version from the conflict page re-sends it with the current version number.
    resend = dict(mine, version=str(current))
    assert f'name="version" value="{current}"' in page
    assert client.post_form(url, resend).status_code == 302
    with app.app_context():
        assert get_campaign(w["campaign"]).tactics == "Pétition en ligne"


def _parse_svg(page: str) -> ET.Element:
    svg = re.search(r"<svg class=\"power-map\".*?</svg>", page, re.S).group(0)
    return ET.fromstring(svg)  # noqa: S314 - our own page


def test_power_map_places_actors_by_stance_and_influence(app, client, campaign_world):
    w = campaign_world
    with app.app_context():
        campaign = get_campaign(w["campaign"])
        weak = services.save_actor(None, {"name": "Association voisine", "kind": "body", "influence": 1, "stance": 0})
        services.place_actor(campaign, weak, influence=1, stance=-2)
        db.session.commit()
        weak_id = weak.id
    client.login(w["canvasser"])
    page = client.get(f"/campaigns/{w['campaign']}").get_data(as_text=True)
    svg = _parse_svg(page)
    assert svg.find(f"{SVG_NS}title").text.startswith("Power map of")
    assert svg.find(f"{SVG_NS}desc") is not None
    cells = svg.findall(f"{SVG_NS}rect")
    assert len(cells) == 25

    def cell_of(point_stance, point_influence):
        return next(
            c for c in cells if (c.get("data-stance"), c.get("data-influence")) == (point_stance, point_influence)
        )

    def inside(circle, cell):
        x, y = float(cell.get("x")), float(cell.get("y"))
        w_, h = float(cell.get("width")), float(cell.get("height"))
        cx, cy = float(circle.get("cx")), float(circle.get("cy"))
        return x <= cx <= x + w_ and y <= cy <= y + h

    points = {int(g.get("data-actor-id")): g for g in svg.findall(f"{SVG_NS}g")}
    # The mayor (stance +2, influence 5) sits in the top-right cell.
    top_right = cell_of("2", "5")
    assert float(top_right.get("x")) == max(float(c.get("x")) for c in cells)
    assert float(top_right.get("y")) == min(float(c.get("y")) for c in cells)
    mayor = points[w["mayor"]]
    assert inside(mayor.find(f"{SVG_NS}circle"), top_right)
    assert mayor.find(f"{SVG_NS}text").text == "Mme la Maire"
    assert "Mme la Maire" in mayor.find(f"{SVG_NS}title").text
    # The landlord (stance -2, influence 4): left column, second row.
    assert inside(points[w["landlord"]].find(f"{SVG_NS}circle"), cell_of("-2", "4"))
    # Bottom-left for stance -2 influence 1.
    bottom_left = cell_of("-2", "1")
    assert float(bottom_left.get("y")) == max(float(c.get("y")) for c in cells)
    assert inside(points[weak_id].find(f"{SVG_NS}circle"), bottom_left)
    # The table alternative carries the same facts.
    table = re.search(r'<table class="power-map-table">.*?</table>', page, re.S).group(0)
    assert "Association voisine" in table and "1 / 5" in table


def test_placing_an_actor_on_the_power_map(app, client, campaign_world):
    w = campaign_world
    with app.app_context():
        new = services.save_actor(None, {"name": "Conseil départemental", "kind": "body", "influence": 3, "stance": 0})
        db.session.commit()
        new_id = new.id
    client.login(w["leader"])
    response = client.post_form(
        f"/campaigns/{w['campaign']}/power-map",
        {"actor": str(new_id), "role": "other", "influence": "2", "stance": "1"},
    )
    assert response.status_code == 302
    with app.app_context():
        link = next(link for link in get_campaign(w["campaign"]).campaign_actors if link.actor_id == new_id)
        assert (link.influence, link.stance, link.role) == (2, 1, "other")


def test_leader_outside_the_team_cannot_edit(app, client, campaign_world):
    w = campaign_world
    client.login(w["outsider"])
    assert client.get(f"/campaigns/{w['campaign']}").status_code == 200
    assert client.get(f"/campaigns/{w['campaign']}/edit").status_code == 403
    assert client.post_form(f"/campaigns/{w['campaign']}/edit", chart_form(w, version="1")).status_code == 403
    assert client.post_form(f"/campaigns/actions/{w['action']}/evaluation", {}).status_code == 403
    # But may start their own campaign, and edit it.
    response = client.post_form("/campaigns/new", chart_form(w, name="Éclairage rue Pasteur", lead=""))
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/campaigns/{new_id}/edit").status_code == 200
    with app.app_context():
        outsider = db.session.get(User, w["outsider_id"])
        assert services.can_edit(outsider, get_campaign(new_id))
        assert not services.can_edit(outsider, get_campaign(w["campaign"]))


def test_leader_on_the_team_edits(client, campaign_world):
    w = campaign_world
    client.login(w["leader"])
    assert client.get(f"/campaigns/{w['campaign']}/edit").status_code == 200
    assert client.get(f"/campaigns/actions/{w['action']}/edit").status_code == 200


def test_canvasser_reads_but_cannot_write(client, campaign_world):
    w = campaign_world
    client.login(w["canvasser"])
    for url in [
        "/campaigns/",
        f"/campaigns/{w['campaign']}",
        f"/campaigns/actions/{w['action']}",
        "/campaigns/actors",
        "/campaigns/local-government",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Edit the strategy chart" not in response.get_data(as_text=True)
    for url in [
        "/campaigns/new",
        f"/campaigns/{w['campaign']}/edit",
        f"/campaigns/{w['campaign']}/actions/new",
        f"/campaigns/actions/{w['action']}/edit",
        "/campaigns/actors/new",
        "/campaigns/local-government/new",
    ]:
        assert client.get(url).status_code == 403, url
    for url in [
        "/campaigns/new",
        f"/campaigns/{w['campaign']}/edit",
        f"/campaigns/{w['campaign']}/power-map",
        f"/campaigns/{w['campaign']}/power-map/1/remove",
        f"/campaigns/{w['campaign']}/actions/new",
        f"/campaigns/actions/{w['action']}/edit",
        f"/campaigns/actions/{w['action']}/evaluation",
        f"/campaigns/actions/{w['action']}/walk-in",
        f"/campaigns/actions/{w['action']}/attendees",
        "/campaigns/actors/new",
        "/campaigns/local-government/new",
    ]:
        assert client.post_form(url, {"name": "x"}).status_code == 403, url
    # The navigation offers campaigns to canvassers too.
    assert 'href="/campaigns/"' in client.get("/").get_data(as_text=True)


def test_directory_local_body_with_meetings_and_officials(app, client, campaign_world):
    w = campaign_world
    client.login(w["organizer"])
    response = client.post_form(
        "/campaigns/local-government/new",
        {
            "level": "commune",
            "name": "Mont-Bonvillers",
            "code": "54378",
            "services": "Service logement\nCCAS",
            "meetings-0-starts_at": "2030-01-15T19:00",
            "meetings-0-title": "Conseil municipal",
            "meetings-0-place": "Salle du conseil",
            "meetings-1-starts_at": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        from organizer.campaigns.models import LocalBody

        body = db.session.scalar(db.select(LocalBody).options(db.selectinload(LocalBody.meetings)))
        assert body.code == "54378" and len(body.meetings) == 1
        # 19:00 in Paris in winter is 18:00 UTC.
        assert services.as_utc(body.meetings[0].starts_at).hour == 18
        body_id = body.id
    response = client.post_form(
        "/campaigns/actors/new",
        {
            "name": "Mme la Maire de MB",
            "kind": "person",
            "local_body_id": str(body_id),
            "influence": "5",
            "stance": "1",
        },
    )
    assert response.status_code == 302
    page = client.get("/campaigns/local-government").get_data(as_text=True)
    assert "Mme la Maire de MB" in page and "Conseil municipal" in page and "54378" in page
    bad = client.post_form("/campaigns/local-government/new", {"level": "commune", "name": "", "code": "54-378"})
    assert bad.status_code == 200
    assert "A code has only digits and letters" in bad.get_data(as_text=True)
