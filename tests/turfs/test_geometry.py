"""Geometry with shapely: drawn polygons (repaired, holes, empty), lines that split doors in two."""

import pytest

from organizer.turfs import geometry
from organizer.turfs.errors import TurfError

SQUARE = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]


def test_points_inside_with_boundary_and_holes():
    hole = [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]
    area = geometry.polygon_shape({"type": "Polygon", "coordinates": [SQUARE, hole]})
    mask = geometry.inside_mask(area, [0.5, 2, 4, 5], [0.5, 2, 2, 5])
    assert mask.tolist() == [True, False, True, False]  # in, in the hole, on the edge, outside


def test_a_self_crossing_drawing_is_repaired_not_refused():
    bow_tie = [[0, 0], [4, 4], [4, 0], [0, 4], [0, 0]]
    area = geometry.polygon_shape({"type": "Polygon", "coordinates": [bow_tie]})
    assert area.is_valid and geometry.inside_mask(area, [0.5, 3.5, 2], [2, 2, 0.5]).tolist() == [True, True, False]


def test_empty_and_unreadable_shapes():
    flat = [[0, 0], [1, 1], [2, 2], [0, 0]]
    assert geometry.polygon_shape({"type": "Polygon", "coordinates": [flat]}).is_empty
    with pytest.raises(TurfError):
        geometry.polygon_shape({"type": "Point", "coordinates": [1, 2]})
    with pytest.raises(TurfError):
        geometry.line_shape({"type": "LineString", "coordinates": [[1, 1], [1, 1]]})


def test_a_line_splits_doors_in_two_and_is_stretched_across():
    lons, lats = [0, 1, 3, 4], [2, 2, 2, 2]
    # A short line in the middle still cuts the whole turf: it is prolonged past its ends.
    sides = geometry.split_sides(
        geometry.line_shape({"type": "LineString", "coordinates": [[2, 1.9], [2, 2.1]]}), lons, lats
    )
    assert sides[0] == sides[1] != sides[2] == sides[3]


def test_a_line_that_misses_or_zigzags_is_refused():
    lons, lats = [0, 1, 3, 4], [2, 2, 2, 2]
    beside = geometry.line_shape({"type": "LineString", "coordinates": [[10, 0], [10, 4]]})
    with pytest.raises(TurfError, match="one side"):
        geometry.split_sides(beside, lons, lats)
    zigzag = geometry.line_shape(
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1.5, 0], [1.5, 4], [2.5, 4], [2.5, 0]]}}
    )
    with pytest.raises(TurfError, match="once"):
        geometry.split_sides(zigzag, lons, lats)
