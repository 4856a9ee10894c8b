"""The kernel's page sections: a page draws the sections other features declare for it, in order."""

import pytest

from organizer.features import collect_contributions
from organizer.kernel.contributions import REGISTRY_KEY, Contribution, Registry, Section, sections_for


@pytest.mark.any_database
def test_a_page_draws_its_own_sections_in_order_and_none_leaves_one_out(app):
    declared = [
        Section("campaigns.action", "later", "later.html", lambda record, viewer: {"record": record}, 20),
        Section("campaigns.action", "first", "first.html", lambda record, viewer: None if viewer == "x" else {}, 10),
        Section("meetings.show", "elsewhere", "elsewhere.html", lambda record, viewer: {}, 5),
    ]
    with app.app_context():
        saved = app.extensions[REGISTRY_KEY]
        app.extensions[REGISTRY_KEY] = Registry(
            [Contribution(sections=declared[:1]), Contribution(sections=declared[1:])]
        )
        try:
            drawn = sections_for("campaigns.action", 7, "someone")
            assert [(item.key, data) for item, data in drawn] == [("first", {}), ("later", {"record": 7})]
            assert [item.key for item, _data in sections_for("campaigns.action", 7, "x")] == ["later"]
            assert [item.key for item, _data in sections_for("meetings.show", 7, "x")] == ["elsewhere"]
        finally:
            app.extensions[REGISTRY_KEY] = saved


def test_turnout_and_signup_fill_the_action_page_and_turnout_the_meeting_page():
    pages = {(section.page, section.key) for section in collect_contributions().sections}
    assert {
        ("campaigns.action", "turnout"),
        ("campaigns.action", "public_page"),
        ("meetings.show", "reminder_calls"),
    } <= pages
