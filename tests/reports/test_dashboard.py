"""The dashboard: numbers on a small data set, SVG with a table alternative, canvassers' turfs only."""

import re
from datetime import timedelta

from organizer.auth.models import User
from organizer.conversations.models import Commitment, OneOnOne
from organizer.extensions import db
from organizer.reports.dashboard import DASHBOARD_PANELS, panels_for
from organizer.residents.models import Resident
from tests.reports.conftest import TODAY


def data_of(app, user_id, key):
    with app.test_request_context():
        viewer = db.session.get(User, user_id)
        return dict((p.key, d) for p, d in panels_for(viewer)).get(key)


def small_town(app, town):
    town.knock("h1", ["rent"], resident="helene", days_ago=0)
    town.knock("h2", [], result="not_home", days_ago=0)
    town.knock("h3", ["light"], resident="karim", days_ago=8)
    town.knock("h3", [], result="refused", days_ago=200)  # outside every window
    with app.app_context():
        db.session.get(Resident, town.ids["helene"]).leadership_stage = "leader"
        db.session.get(Resident, town.ids["karim"]).leadership_stage = "volunteer"
        db.session.add(OneOnOne(resident_id=town.ids["maria"], met_on=TODAY))
        db.session.add_all(
            [
                Commitment(what="Call", due_on=TODAY - timedelta(days=3), status="done"),
                Commitment(what="Flyers", due_on=TODAY - timedelta(days=3), status="open"),
                Commitment(what="Old", due_on=TODAY - timedelta(days=200), status="open"),
            ]
        )
        db.session.commit()


def test_panel_numbers_for_an_organizer(app, town, make_user):
    small_town(app, town)
    organizer_id, _ = make_user("organizer")
    weekly = data_of(app, organizer_id, "conversations")
    chart = weekly["chart"]
    assert weekly["total"] == 4  # three knocks and a one-on-one in the last 12 weeks
    assert chart.series == ["Door knocks", "One-on-ones", "House meetings"]
    assert chart.values[0][-1] == 2 and sum(chart.values[0]) == 3 and sum(chart.values[1]) == 1
    outcomes = data_of(app, organizer_id, "outcomes")["chart"]
    assert dict(zip(outcomes.categories, outcomes.values[0], strict=True))["Talked"] == 2
    assert dict(zip(outcomes.categories, outcomes.values[0], strict=True))["Not home"] == 1
    coverage = data_of(app, organizer_id, "coverage")["chart"]
    assert coverage.categories == ["Nord (2/2)", "Sud (1/2)"] and coverage.values == [[100, 50]]
    ladder = data_of(app, organizer_id, "ladder")
    assert ladder["chart"].values == [[3, 2, 2, 1, 0]] and ladder["extra"] == [1, 0, 1, 1, 0]
    kept = data_of(app, organizer_id, "commitments")["chart"]
    assert kept.values == [[1, 0, 1, 0]]


def test_canvasser_sees_only_their_turfs(app, town, make_user, assign):
    small_town(app, town)
    canvasser_id, _ = make_user("canvasser")
    assign(canvasser_id, town.ids["sud"])
    weekly = data_of(app, canvasser_id, "conversations")
    assert weekly["total"] == 1 and weekly["chart"].series == ["Door knocks"]
    assert data_of(app, canvasser_id, "coverage")["chart"].categories == ["Sud (1/2)"]
    assert data_of(app, canvasser_id, "ladder")["chart"].values == [[1, 1, 1, 0, 0]]
    assert data_of(app, canvasser_id, "commitments") == {"empty": data_of(app, canvasser_id, "commitments")["empty"]}


def test_home_page_draws_svg_charts_with_table_alternatives(client, town, make_user):
    small_town(client.application, town)
    _id, email = make_user("organizer", name="Nadia Benali")
    client.login(email)
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Nadia Benali" in page
    assert page.count('role="img"') >= 4
    for match in re.finditer(r'<svg[^>]*aria-labelledby="([^"]+)"', page):
        for ref in match.group(1).split():
            assert f'id="{ref}"' in page
    assert page.count('<details class="chart-data">') >= 4
    assert "<title>" in page and "Show the numbers" in page
    assert {p.key for p in DASHBOARD_PANELS} >= {"conversations", "outcomes", "coverage", "ladder", "follow_ups"}
