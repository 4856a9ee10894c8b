"""The recent-conversations list pages by keyset; canvassers see and find only their own turfs' doors."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from organizer.conversations.models import DoorKnock
from organizer.extensions import db


def test_keyset_pages_cover_every_knock_once(app, client, make_user, people):
    user_id, email = make_user("organizer")
    start = datetime(2026, 3, 1, 10, tzinfo=UTC)
    with app.app_context():
        rows = [
            {
                "household_id": people["h_in"],
                "canvasser_id": user_id,
                # Pairs share a timestamp: the id breaks the tie.
                "knocked_at": start + timedelta(hours=n // 2),
                "result": "not_home",
                "note": f"knock-{n:03d}.",
                "note_sensitive": False,
                "follow_up": False,
                "entered_via": "manual",
            }
            for n in range(75)
        ]
        db.session.execute(insert(DoorKnock), rows)
        db.session.commit()
    client.login(email)
    seen, url, pages = [], "/conversations/?kind=door", 0
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r"knock-(\d{3})\.", page)
        more = re.search(r'href="(/conversations/\?kind=door&amp;after=\d+)"', page)
        url = more.group(1).replace("&amp;", "&") if more else None
        pages += 1
    assert pages == 3
    numbers = [int(n) for n in seen]
    assert sorted(numbers) == list(range(75)) and len(set(numbers)) == 75
    # Newest first.
    assert [n // 2 for n in numbers] == sorted((n // 2 for n in numbers), reverse=True)


def test_canvasser_sees_and_finds_only_current_turfs(app, client, make_user, people, assign):
    user_id, email = make_user("canvasser")
    organizer_id, _e = make_user("organizer")
    assign(user_id, people["turf"])
    with app.app_context():
        for household, note in ((people["h_in"], "inside-turf"), (people["h_out"], "outside-turf")):
            db.session.add(DoorKnock(household_id=household, canvasser_id=organizer_id, result="talked", note=note))
        db.session.commit()
    client.login(email)
    page = client.get("/conversations/").get_data(as_text=True)
    assert "inside-turf" in page and "outside-turf" not in page
    # Hélène lives in the turf, Karim outside it.
    assert [r["label"] for r in client.get("/conversations/residents.json?q=helene").get_json()] == [
        "Hélène Dupont — 12 Rue des Lilas"
    ]
    assert client.get("/conversations/residents.json?q=karim").get_json() == []
    # No-JS search on the form: the Search button re-displays the form with the matches, saves nothing.
    response = client.post_form(
        "/conversations/door-knocks/new", {"resident_id_q": "dupont", "lookup": "resident_id", "result": "talked"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Hélène Dupont" in page and "Choose a result." not in page
