"""Every conversation page renders for an organizer."""


def test_pages_render(client, make_user, people):
    _id, email = make_user("organizer")
    client.login(email)
    for url in [
        "/conversations/",
        "/conversations/?kind=one_on_one",
        "/conversations/?kind=house_meeting",
        f"/conversations/door-knocks/new?resident={people['helene']}",
        "/conversations/one-on-ones/new",
        "/conversations/house-meetings/new",
        "/conversations/issues",
        "/conversations/commitments",
        "/conversations/commitments/new",
        "/conversations/follow-ups",
        f"/conversations/ladder/{people['helene']}",
        "/conversations/residents?q=hel",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[-2000:])
        assert "Someone else saved this record" not in response.get_data(as_text=True)
    assert (
        client.get("/conversations/residents.json?q=helene").get_json()[0]["label"]
        == "Hélène Dupont — 12 Rue des Lilas"
    )
