"""Whole numbers from the request are checked once (organizer.params): a number too large, negative or not a
number answers 400 with a message, never a 500 from the database."""

import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/residents/?turf={HUGE}",
        f"/residents/?tag={HUGE}",
        f"/residents/?issue={HUGE}",
        f"/residents/?support={HUGE}",
        f"/conversations/?after={HUGE}",
        f"/conversations/door-knocks/new?household={HUGE}",
        f"/conversations/door-knocks/new?resident={HUGE}",
        f"/conversations/commitments/new?resident={HUGE}",
        f"/conversations/house-meetings/new?host={HUGE}",
        f"/reports/listening?turf={HUGE}",
        f"/reports/listening/conversations?issue={HUGE}",
        f"/reports/listening/conversations?issue=1&place={HUGE}",
        f"/meetings/new?template={HUGE}",
        f"/admin/audit/?before={HUGE}",
        f"/admin/audit/?target_id={HUGE}",
        "/residents/?turf=abc",
        "/conversations/door-knocks/new?household=-3",
    ],
)
def test_oversized_or_malformed_integers_are_a_clear_400(client, admin, url):
    client.login(admin[1])
    response = client.get(url)
    assert response.status_code == 400, url
    body = response.get_data(as_text=True)
    assert "must be" in body and "Traceback" not in body


def test_a_huge_id_in_the_path_is_not_found(client, admin):
    client.login(admin[1])
    for url in (f"/residents/{HUGE}", f"/turfs/{HUGE}", f"/meetings/{HUGE}", f"/jobs/{HUGE}.json"):
        assert client.get(url).status_code == 404, url


def test_the_message_is_in_french_too(client, admin):
    client.login(admin[1])
    client.post_form("/language", {"lang": "fr"})
    body = client.get(f"/residents/?turf={HUGE}").get_data(as_text=True)
    assert "« turf » doit être compris entre 0 et 2147483647." in body


def test_a_huge_id_in_a_form_is_refused_not_a_500(client, admin):
    client.login(admin[1])
    response = client.post_form(
        "/conversations/door-knocks/new", {"household_id": HUGE, "result": "not_home", "knocked_on": "2026-03-01"}
    )
    assert response.status_code == 400
