"""The power map as an SVG grid computed on the server: x = stance (-2..+2), y = influence (5 at the top)."""

from dataclasses import dataclass, field

from organizer.campaigns.models import INFLUENCE_RANGE, STANCE_RANGE

CELL_WIDTH = 150
CELL_HEIGHT = 92
LEFT = 46  # room for the influence axis
TOP = 12
BOTTOM = 40  # room for the stance axis
SLOTS_PER_COLUMN = 4
ROLE_COLOURS = {"primary": "#b3261e", "secondary": "#c26a00", "other": "#1d4fa8"}


@dataclass
class Cell:
    stance: int
    influence: int
    x: int
    y: int
    fill: str


@dataclass
class Point:
    link_id: int
    actor_id: int
    name: str
    label: str
    role: str
    stance: int
    influence: int
    cx: int
    cy: int
    colour: str


@dataclass
class PowerMap:
    width: int
    height: int
    cells: list[Cell] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    stance_ticks: list[tuple[int, int]] = field(default_factory=list)  # (value, x)
    influence_ticks: list[tuple[int, int]] = field(default_factory=list)  # (value, y)
    overflow: list[tuple[int, int, int]] = field(default_factory=list)  # (x, y, actors not drawn) per full cell
    cell_width: int = CELL_WIDTH
    cell_height: int = CELL_HEIGHT
    left: int = LEFT
    top: int = TOP


def cell_origin(stance: int, influence: int, cell_width: int = CELL_WIDTH, cell_height: int = CELL_HEIGHT):
    """Top-left corner of the cell of (stance, influence): stance grows rightwards, influence upwards."""
    column = stance - STANCE_RANGE.start
    row = INFLUENCE_RANGE.stop - 1 - influence
    return LEFT + column * cell_width, TOP + row * cell_height


def _fill(stance: int) -> str:
    return {-2: "#f6dede", -1: "#fbeeee", 0: "#f4f5f7", 1: "#eaf5ec", 2: "#d9efdd"}[stance]


def _shorten(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def build(links, cell_width: int = CELL_WIDTH, cell_height: int = CELL_HEIGHT) -> PowerMap:
    """Lay out campaign actors (anything with id, actor, role, influence, stance) on the grid.

    The printed sheet uses flatter cells to fit one page."""

    def cell_origin_here(stance, influence):
        return cell_origin(stance, influence, cell_width, cell_height)

    width = LEFT + cell_width * len(STANCE_RANGE) + 8
    height = TOP + cell_height * len(INFLUENCE_RANGE) + BOTTOM
    power_map = PowerMap(width=width, height=height, cell_width=cell_width, cell_height=cell_height)
    for influence in reversed(INFLUENCE_RANGE):
        for stance in STANCE_RANGE:
            x, y = cell_origin_here(stance, influence)
            power_map.cells.append(Cell(stance, influence, x, y, _fill(stance)))
    power_map.stance_ticks = [(stance, cell_origin_here(stance, 1)[0] + cell_width // 2) for stance in STANCE_RANGE]
    power_map.influence_ticks = [
        (influence, cell_origin_here(0, influence)[1] + cell_height // 2) for influence in INFLUENCE_RANGE
    ]
    by_cell: dict[tuple[int, int], list] = {}
    order = {"primary": 0, "secondary": 1, "other": 2}
    for link in sorted(links, key=lambda link: (order.get(link.role, 3), link.actor.name.lower())):
        by_cell.setdefault((link.stance, link.influence), []).append(link)
    for (stance, influence), members in by_cell.items():
        x, y = cell_origin_here(stance, influence)
        columns = 1 if len(members) <= SLOTS_PER_COLUMN else 2
        limit = 19 if columns == 1 else 8
        slot_height = (cell_height - 8) // min(len(members), SLOTS_PER_COLUMN) if len(members) > 1 else cell_height
        slot_height = min(slot_height, cell_height // 2)
        shown = SLOTS_PER_COLUMN * 2 if len(members) <= SLOTS_PER_COLUMN * 2 else SLOTS_PER_COLUMN * 2 - 1
        if len(members) > shown:
            power_map.overflow.append((x + cell_width - 6, y + cell_height - 6, len(members) - shown))
        for index, link in enumerate(members[:shown]):
            column, row = divmod(index, SLOTS_PER_COLUMN)
            cx = x + 12 + column * (cell_width // 2)
            cy = y + 4 + slot_height // 2 + row * slot_height if len(members) > 1 else y + cell_height // 2
            power_map.points.append(
                Point(
                    link_id=link.id,
                    actor_id=link.actor.id,
                    name=link.actor.name,
                    label=_shorten(link.actor.name, limit),
                    role=link.role,
                    stance=stance,
                    influence=influence,
                    cx=cx,
                    cy=cy,
                    colour=ROLE_COLOURS.get(link.role, ROLE_COLOURS["other"]),
                )
            )
    return power_map
