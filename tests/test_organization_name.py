"""Pages carry the organization's own name once the demo (or the admin) set it."""


def test_header_shows_the_organization_name(app, client, runner, admin):
    runner.invoke(args=["demo", "load"])
    page = client.get("/login").get_data(as_text=True)
    assert "Union des locataires de Mont-Bonvillers" in page
