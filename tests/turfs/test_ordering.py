"""Walking order on real Mont-Bonvillers streets, door by door: up one side and down the other, suffixes
in order, flats by building/staircase/floor/door, streets chained by nearness, the rural option."""

from organizer.residents.models import Address
from organizer.turfs.ordering import distance_m, sort_addresses
from tests.turfs.conftest import load_ban_addresses


def walk(text: str) -> list[str]:
    """ "1 3 2" -> ["1", "3", "2"]: expected orders written as one reads them."""
    return text.split()


def labels(addresses):
    return [f"{a.number}{' ' + a.suffix if a.suffix else ''}" for a in addresses]


def test_rue_marechal_joffre_even_side_up_then_odd_side_down(app):
    with app.app_context():
        ordered = sort_addresses(load_ban_addresses({"rue marechal joffre"}))
        # The even end of the street is the farther from its middle: start there, come back on the odd side.
        assert labels(ordered) == [
            *walk("2 4 6 8 10 14 16 18 20 22 26 28 30 32 34"),
            *walk("33 31 29 27 25 23 21 17 15 11 9 7 5 1"),
        ]


def test_rue_du_vieux_mont_suffixes_in_order(app):
    with app.app_context():
        ordered = sort_addresses(load_ban_addresses({"rue du vieux mont"}))
        # Two addresses numbered 9 in the file (two entrances): both before 9 bis.
        assert labels(ordered) == [
            *["1", "1 bis", "3", "5", "7", "9", "9", "9 bis", "11", "13", "13 bis", "15", "15 bis", "17"],
            *["17 bis", "19", "12", "10", "8", "6", "4", "2"],
        ]


def test_impasse_du_8_mai_1945_up_and_back(app):
    with app.app_context():
        ordered = sort_addresses(load_ban_addresses({"impasse du 8 mai 1945"}))
        assert labels(ordered) == walk("1 3 5 7 9 11 13 15 17 16 14 12 10 8 6 4 2")


def test_rue_de_landres_and_a_walk_that_starts_on_the_even_side_reverses(app):
    with app.app_context():
        ordered = sort_addresses(load_ban_addresses({"rue de landres"}))
        assert labels(ordered) == walk("1 3 5 7 9 11 13 15 17 19 21 21 23 25 4 2")


def test_streets_chained_by_nearness_not_alphabetically(app):
    with app.app_context():
        addresses = load_ban_addresses({"rue marechal joffre", "rue de landres", "rue de l eglise"})
        ordered = sort_addresses(addresses)
        keys = [a.street_key for a in ordered]
        streets = [key for i, key in enumerate(keys) if i == 0 or key != keys[i - 1]]
        # Rue de l'Église ends (at 1) beside the start of rue de Landres (1), whose end (2) is near Joffre's 1.
        assert streets == ["rue de l eglise", "rue de landres", "rue marechal joffre"]
        assert labels(ordered) == [
            *walk("2 4 6 8 18 7 5 3 1"),
            *walk("1 3 5 7 9 11 13 15 17 19 21 21 23 25 4 2"),
            *walk("1 5 7 9 11 15 17 21 23 25 27 29 31 33 34 32 30 28 26 22 20 18 16 14 10 8 6 4 2"),
        ]


def test_each_next_street_starts_nearest_to_where_the_last_ended(app):
    with app.app_context():
        addresses = [a for a in load_ban_addresses() if a.number is None or a.number < 5000]
        ordered = sort_addresses(addresses)
        runs: list[list] = []
        for address in ordered:
            if runs and runs[-1][0].street_key == address.street_key:
                runs[-1].append(address)
            else:
                runs.append([address])
        assert len(runs) == len({a.street_key for a in addresses})  # every street walked in one go
        for index in range(1, len(runs)):
            here = (runs[index - 1][-1].lat, runs[index - 1][-1].lon)
            chosen = distance_m(here, (runs[index][0].lat, runs[index][0].lon))
            for later in runs[index:]:
                for end in (later[0], later[-1]):  # either end of any street still to walk
                    assert chosen <= distance_m(here, (end.lat, end.lon)) + 1e-6


JOFFRE = {"street": "rue Joffre", "street_key": "rue joffre"}


def test_flats_by_building_staircase_floor_door_even_walking_down():
    flats = [
        ("B", "2", "1", "12"),
        ("A", "1", "RDC", "2"),
        ("A", "1", "2", "1"),
        ("A", "1", "1", "1"),
        ("A", "2", "1", "1"),
        ("B", "1", "3", "10"),
        ("B", "1", "3", "9"),
    ]
    addresses = [
        Address(id=i + 1, number=4, **JOFFRE, building=b, staircase=s, floor=f, door=d)
        for i, (b, s, f, d) in enumerate(flats)
    ]
    addresses += [
        Address(id=20, number=1, street="rue Joffre", street_key="rue joffre"),
        Address(id=21, number=6, street="rue Joffre", street_key="rue joffre"),
    ]
    ordered = sort_addresses(addresses)
    # 1, then down the even side: 6, then number 4's block of flats, climbed upward.
    assert [a.id for a in ordered] == [20, 21, 2, 4, 3, 5, 7, 6, 1]


def test_rural_by_number_along_the_road(app):
    with app.app_context():
        ordered = sort_addresses(load_ban_addresses({"rue de landres"}), rural=True)
        # Both sides together, by number along the road.
        assert labels(ordered) == walk("1 2 3 4 5 7 9 11 13 15 17 19 21 21 23 25")
