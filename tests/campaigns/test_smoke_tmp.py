def test_pages(client, campaign_world):
    w = campaign_world
    client.login(w["organizer"])
    for url in [
        "/campaigns/",
        f"/campaigns/{w['campaign']}",
        f"/campaigns/{w['campaign']}/edit",
        "/campaigns/new",
        f"/campaigns/actions/{w['action']}",
        f"/campaigns/actions/{w['action']}/edit",
        f"/campaigns/{w['campaign']}/actions/new",
        "/campaigns/actors",
        "/campaigns/actors/new",
        "/campaigns/local-government",
        "/campaigns/local-government/new",
        "/campaigns/calendar",
        f"/campaigns/actions/{w['action']}.ics",
        f"/campaigns/{w['campaign']}/print.pdf",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:3000])
