"""Geometry of turfs with shapely: which doors a drawn polygon holds, splitting a turf with a line.

Coordinates are GeoJSON's (longitude, latitude). Points are tested in bulk (shapely.contains_xy on a
prepared polygon, vectorised with numpy): a polygon over 10,000 doors is a few milliseconds.
"""

import json

import numpy as np
import shapely
from flask_babel import lazy_gettext as _l
from shapely.geometry import LineString, MultiPolygon, Polygon, box, shape
from shapely.ops import split

from organizer.turfs.errors import TurfError

# How far (in degrees) a splitting line is stretched past its ends, so that it crosses the whole turf.
_STRETCH = 1.0


def polygon_shape(geometry: dict | str) -> Polygon | MultiPolygon:
    """A valid shapely (Multi)Polygon from a GeoJSON geometry, Feature or FeatureCollection (dict or text).

    Self-crossing drawings are repaired; a shape of no area (a hole as large as its outline, three points
    in a row) is empty and holds no door. Raises TurfError on anything that is not an area."""
    from organizer.turfs.cutting import parse_geojson

    text = geometry if isinstance(geometry, str | bytes) else json.dumps(geometry)
    parsed = parse_geojson(text)
    try:
        area = shape(parsed)
    except (ValueError, TypeError, shapely.errors.ShapelyError) as error:
        raise TurfError(_l("The polygon's coordinates cannot be read.")) from error
    if not area.is_valid:
        area = _repair(area)
    return Polygon() if area.is_empty else area


def _areas(shape_):
    """The polygonal parts of a repaired shape (make_valid may add lines and points)."""
    parts = [g for g in getattr(shape_, "geoms", [shape_]) if isinstance(g, Polygon | MultiPolygon)]
    return shapely.unary_union(parts) if parts else Polygon()


def _repair(area):
    """Each outline repaired on its own (a bow-tie keeps both lobes), then its holes taken out (a hole as
    large as its outline leaves nothing)."""
    pieces = []
    for polygon in getattr(area, "geoms", [area]):
        outline = _areas(shapely.make_valid(Polygon(polygon.exterior)))
        holes = [_areas(shapely.make_valid(Polygon(ring))) for ring in polygon.interiors]
        pieces.append(outline.difference(shapely.unary_union(holes)) if holes else outline)
    return _areas(shapely.unary_union(pieces))


def inside_mask(area, lons, lats) -> np.ndarray:
    """For each point, whether it lies in `area` (boundary included: a door on the line is in)."""
    x = np.asarray(lons, dtype=float)
    y = np.asarray(lats, dtype=float)
    if not len(x) or area.is_empty:
        return np.zeros(len(x), dtype=bool)
    shapely.prepare(area)
    return shapely.intersects_xy(area, x, y)


def as_geojson(area) -> dict:
    """The GeoJSON geometry of a shapely shape (what Turf.rule keeps)."""
    return shapely.geometry.mapping(area)


def line_shape(geometry: dict | str) -> LineString:
    """A LineString from GeoJSON (a geometry or a Feature), with at least two distinct points."""
    data = json.loads(geometry) if isinstance(geometry, str | bytes) else geometry
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry") or {}
    if not isinstance(data, dict) or data.get("type") != "LineString":
        raise TurfError(_l("Draw a line across the turf to split it."))
    try:
        line = LineString([(float(p[0]), float(p[1])) for p in data.get("coordinates") or []])
    except (TypeError, ValueError, IndexError, shapely.errors.ShapelyError) as error:
        raise TurfError(_l("Draw a line across the turf to split it.")) from error
    if line.length == 0:
        raise TurfError(_l("Draw a line across the turf to split it."))
    return line


def _stretched(line: LineString) -> LineString:
    """The line with its first and last segments prolonged far away, so it cuts the whole turf through."""
    coords = list(line.coords)

    def beyond(a, b):
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = (dx * dx + dy * dy) ** 0.5 or 1.0
        return (b[0] + dx / length * _STRETCH, b[1] + dy / length * _STRETCH)

    return LineString([beyond(coords[1], coords[0]), *coords, beyond(coords[-2], coords[-1])])


def split_sides(line: LineString, lons, lats) -> np.ndarray:
    """Which side of the line each point is on: 0 or 1. Raises TurfError when the line does not cut the
    doors in two (all on one side) or cuts them in more than two pieces."""
    x = np.asarray(lons, dtype=float)
    y = np.asarray(lats, dtype=float)
    margin = _STRETCH / 2
    frame = box(x.min() - margin, y.min() - margin, x.max() + margin, y.max() + margin)
    pieces = list(split(frame, _stretched(line)).geoms)
    if len(pieces) != 2:
        raise TurfError(_l("The line must cross the turf once, from one side to the other."))
    sides = np.where(inside_mask(pieces[0], x, y), 0, 1)
    if sides.min() == sides.max():
        raise TurfError(_l("The line leaves every door on one side: draw it across the turf."))
    return sides
