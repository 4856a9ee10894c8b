"""The small printed map of a turf: an SVG drawn by the server from the addresses' coordinates, with the
turf's streets (named), the walking route and its start. Black and white: grey streets, a black dashed
route, a filled start marker with a word beside it, no meaning carried by colour. Inline in the page, so
WeasyPrint fetches nothing to draw it.
"""

import math

from flask_babel import gettext as _
from markupsafe import Markup, escape

from organizer.turfs.mapping import street_lines


def _projector(points, width: float, height: float, margin: float):
    """A function (lat, lon) -> (x, y) fitting `points` in the box (equirectangular, north up)."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * scale_x, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2
    west, north = min(lons), max(lats)

    def project(lat: float, lon: float) -> tuple[float, float]:
        return (round(offset_x + (lon - west) * scale_x * scale, 1), round(offset_y + (north - lat) * scale, 1))

    return project


def route_svg(doors, width: int = 360, height: int = 220, margin: int = 14) -> Markup:
    """The SVG (as Markup, ready to inline) of these doors (walk sheet Door objects, in walking order):
    streets, route, start. Empty Markup when no door has coordinates."""
    located = [d.address for d in doors if d.address.lat is not None and d.address.lon is not None]
    if not located:
        return Markup("")
    project = _projector([(a.lat, a.lon) for a in located], width, height, margin)
    title = escape(_("Map of the turf and its route"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="route-map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{title}">',
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#fff" stroke="#000" stroke-width="1"/>',
    ]
    lines = street_lines(located)
    for street in lines:
        points = " ".join("{},{}".format(*project(lat, lon)) for lat, lon in street["points"])
        parts.append(f'<polyline points="{points}" fill="none" stroke="#bbb" stroke-width="7" stroke-linecap="round"/>')
    route, previous = [], None
    for address in located:
        point = project(address.lat, address.lon)
        if point != previous:
            route.append(point)
            previous = point
    if len(route) > 1:
        path = " ".join(f"{x},{y}" for x, y in route)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#000" stroke-width="1.4" stroke-dasharray="4 2"/>')
    for x, y in route:
        parts.append(f'<circle cx="{x}" cy="{y}" r="1.6" fill="#000"/>')
    placed: list[tuple[float, float, float, float]] = []
    for street in sorted(lines, key=lambda line: -len(line["points"])):
        x, y = project(*street["points"][len(street["points"]) // 2])
        # Longer streets are named first; a name that would cover another one is left out.
        half = len(street["name"]) * 2.2
        box = (x - half, y - 13, x + half, y - 3)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        name = escape(street["name"])
        # A white outline under the name keeps it readable over lines.
        at = f'x="{x}" y="{y - 5}" font-size="8" text-anchor="middle"'
        parts.append(f'<text {at} stroke="#fff" stroke-width="2.5">{name}</text>')
        parts.append(f'<text {at} fill="#000">{name}</text>')
    start_x, start_y = route[0]
    end_x, end_y = route[-1]
    end = f'x="{end_x - 4}" y="{end_y - 4}" width="8" height="8"'
    parts.append(f'<rect {end} fill="#fff" stroke="#000" stroke-width="1.5"/>')
    parts.append(f'<circle cx="{start_x}" cy="{start_y}" r="6" fill="#000"/>')
    anchor = "start" if start_x < width * 0.7 else "end"
    offset = 9 if anchor == "start" else -9
    label = escape(_("Start"))
    parts.append(
        f'<text x="{start_x + offset}" y="{start_y + 4}" font-size="10" font-weight="bold" text-anchor="{anchor}" '
        f'stroke="#fff" stroke-width="3">{label}</text>'
    )
    parts.append(
        f'<text x="{start_x + offset}" y="{start_y + 4}" font-size="10" font-weight="bold" text-anchor="{anchor}">'
        f"{label}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped above
