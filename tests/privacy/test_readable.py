"""The rectification history and the subject-access copy in words, in both languages."""

from organizer.privacy import readable


def test_values_in_words(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert readable.field_label("support_level") == "Niveau de soutien"
        assert readable.stored_value_text("do_not_contact", "True") == "Oui"
        assert readable.stored_value_text("consent_basis", "electoral_list").startswith("Liste électorale")
        assert readable.stored_value_text("consent_date", "2026-04-27") == "27 avril 2026"
        assert readable.value_text("last_contacted_at", "2026-10-13T12:00:00+00:00") == "13 octobre 2026, 14:00"
        assert readable.value_text("phone", "+33612345678") == "06 12 34 56 78"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert readable.field_label("support_level") == "Support level"
        assert readable.stored_value_text("do_not_contact", "False") == "No"
        assert readable.value_text("consent_date", "2026-04-27") == "April 27, 2026"


def test_wide_sections_go_landscape(app):
    with app.test_request_context():
        found = readable.sections(
            {
                "one_on_ones": [
                    {"date": "2026-10-13", "place": "x", "story": "y", "needs": "z", "ask": "a", "answer": "no"}
                ],
                "tags": ["locataire"],
            },
            {"one_on_ones": "One-on-ones", "tags": "Tags"},
        )
    assert found[0]["wide"] and found[0]["rows"][0][-1] == "No" and not found[1]["wide"]
