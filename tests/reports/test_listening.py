"""The listening report's counting: distinct residents, periods, trend, places, quotes, visibility."""

from datetime import timedelta

from organizer.auth.models import User
from organizer.conversations.models import HouseMeeting, HouseMeetingAttendee, OneOnOne
from organizer.extensions import db
from organizer.reports import services
from organizer.reports.services import ReportQuery, listening_report, public_trend
from tests.reports.conftest import TODAY


def last_30_days(**kwargs):
    return ReportQuery(start=TODAY - timedelta(days=29), end=TODAY, **kwargs)


def line_for(report, name):
    return next(line for line in report.lines if line.name == name)


def test_one_resident_three_times_counts_once_two_residents_count_two(app, town):
    for days in (1, 2, 3):
        town.knock("h1", ["rent"], resident="helene", days_ago=days)
    with app.app_context():
        assert line_for(listening_report(last_30_days()), "Loyers trop chers").current == 1
    town.knock("h2", ["rent"], resident="maria")
    with app.app_context():
        report = listening_report(last_30_days())
        assert line_for(report, "Loyers trop chers").current == 2
        assert report.heard == 2


def test_anonymous_knocks_count_once_per_household(app, town):
    town.knock("h4", ["light"])
    town.knock("h4", ["light"], days_ago=5)
    town.knock("h3", ["light"])
    with app.app_context():
        assert line_for(listening_report(last_30_days()), "Éclairage public").current == 2


def test_ranking_by_residents_not_mentions(app, town):
    for days in (1, 2, 3, 4):
        town.knock("h1", ["light"], resident="helene", days_ago=days)
    town.knock("h1", ["rent"], resident="helene")
    town.knock("h3", ["rent"], resident="karim")
    with app.app_context():
        assert [line.name for line in listening_report(last_30_days()).lines] == [
            "Loyers trop chers",
            "Éclairage public",
        ]


def test_period_filter_and_previous_period_trend(app, town):
    town.knock("h1", ["rent"], resident="helene", days_ago=5)
    town.knock("h2", ["rent"], resident="maria", days_ago=40)  # previous 30 days
    town.knock("h3", ["rent"], resident="karim", days_ago=45)
    town.knock("h4", ["rent"], days_ago=70)  # before both periods: ignored
    with app.app_context():
        line = line_for(listening_report(last_30_days()), "Loyers trop chers")
        assert (line.current, line.previous, line.delta) == (1, 2, -1)
        older = ReportQuery(start=TODAY - timedelta(days=59), end=TODAY - timedelta(days=30))
        assert line_for(listening_report(older), "Loyers trop chers").current == 2


def test_period_end_is_inclusive_in_local_time(app, town):
    town.knock("h1", ["rent"], resident="helene", days_ago=0)
    with app.app_context():
        query = ReportQuery(start=TODAY, end=TODAY)
        assert line_for(listening_report(query), "Loyers trop chers").current == 1
        yesterday = ReportQuery(start=TODAY - timedelta(days=1), end=TODAY - timedelta(days=1))
        assert listening_report(yesterday).lines == []


def test_turf_and_area_filters_and_strongest_places(app, town):
    town.knock("h1", ["rent"], resident="helene")
    town.knock("h2", ["rent"], resident="maria")
    town.knock("h3", ["rent", "light"], resident="karim")
    with app.app_context():
        report = listening_report(last_30_days())
        rent = line_for(report, "Loyers trop chers")
        assert [(p.label, p.count) for p in rent.places] == [("Nord", 2), ("Sud", 1)]
        assert rent.places[1].share == 1.0  # Karim is everyone heard in Sud
        only_sud = listening_report(last_30_days(turf_ids=(town.ids["sud"],)))
        assert line_for(only_sud, "Loyers trop chers").current == 1
        by_area = listening_report(last_30_days(areas=("Centre",), by="area"))
        rent = line_for(by_area, "Loyers trop chers")
        assert rent.current == 2 and [p.label for p in rent.places] == ["Centre"]
        assert [line.name for line in by_area.lines] == ["Loyers trop chers"]


def test_one_on_ones_and_house_meetings_count_through_the_registry(app, town):
    with app.app_context():
        from organizer.conversations.models import Issue

        rent = db.session.get(Issue, town.ids["rent"])
        db.session.add(OneOnOne(resident_id=town.ids["helene"], met_on=TODAY, issues=[rent], story="Trop cher."))
        meeting = HouseMeeting(host_id=town.ids["karim"], held_on=TODAY, issues=[rent], notes="Tout le monde")
        db.session.add(meeting)
        db.session.flush()
        db.session.add(HouseMeetingAttendee(house_meeting_id=meeting.id, resident_id=town.ids["maria"]))
        db.session.add(HouseMeetingAttendee(house_meeting_id=meeting.id, resident_id=town.ids["helene"]))
        db.session.commit()
    town.knock("h1", ["rent"], resident="helene")
    with app.app_context():
        # Hélène (door, one-on-one, meeting), Karim (host), María (attendee): three residents.
        assert line_for(listening_report(last_30_days()), "Loyers trop chers").current == 3


def test_quotes_hide_sensitive_notes_from_leaders_and_public_needs_consent(app, town, make_user):
    leader_id, _ = make_user("leader")
    organizer_id, _ = make_user("organizer")
    town.knock("h1", ["rent"], resident="helene", note="Le loyer a doublé.")
    town.knock("h2", ["rent"], resident="maria", note="Mon fils est malade.", note_sensitive=True)
    town.knock("h3", ["rent"], resident="karim", note="Confidentiel", note_sensitive=True)
    with app.app_context():
        leader, organizer = db.session.get(User, leader_id), db.session.get(User, organizer_id)
        texts = {q.text for q in line_for(listening_report(last_30_days(), leader), "Loyers trop chers").quotes}
        assert texts == {"Le loyer a doublé."}
        texts = {q.text for q in line_for(listening_report(last_30_days(), organizer), "Loyers trop chers").quotes}
        assert "Mon fils est malade." in texts
        # Public: only 3 residents raised it (under 5): no quote at all.
        assert line_for(listening_report(last_30_days(), public=True), "Loyers trop chers").quotes == []


def test_canvasser_counts_only_their_current_turfs(app, town, make_user, assign):
    canvasser_id, _ = make_user("canvasser")
    assign(canvasser_id, town.ids["nord"])
    assign(canvasser_id, town.ids["sud"], days=-1)  # expired yesterday
    town.knock("h1", ["rent"], resident="helene")
    town.knock("h3", ["rent"], resident="karim")
    with app.app_context():
        canvasser = db.session.get(User, canvasser_id)
        assert line_for(listening_report(last_30_days(), canvasser), "Loyers trop chers").current == 1
        drill = services.drill_down(last_30_days(), canvasser, issue_id=town.ids["rent"])
        assert [obj.household_id for _kind, obj in drill.conversations] == [town.ids["h1"]]


def test_public_trend_never_reveals_a_small_count():
    assert public_trend(12, 7) == "+5"
    assert public_trend(7, 7) == "="
    assert public_trend(8, 3) == "up"
    assert public_trend(3, 8) == "down"
    assert public_trend(2, 4) == ""
