"""Where everything goes on a compact walk sheet, in millimetres, decided here rather than by the PDF engine.

The pages are laid out in Python: every door block has a height known in advance (its QR code, its
address line, one row per resident, a notes area sized to the household), the blocks fill two columns
per page, and each page is then drawn with absolute positions. So the page count and each page's
"page N of M" are known before rendering (a big sheet renders in parts on several cores, joined after),
and the photo reader (organizer.paper) knows where each door's boxes are relative to its QR code.

Every door block (not a do-not-knock one):

    +--------+ 12 bis rue Joffre · ét. 2                       #1Z
    |  QR    | Hélène Martin (fr)        [1][2]..[8] (1)..(5) [+]     <- one row per resident
    |        | Omar Benali               [1][2]..[8] (1)..(5) [+]
    +--------+ Notes ......................................................

The strip of boxes of a row is one image (STRIP_*): result boxes 1-8, support circles 1-5, follow-up box.
"""

from dataclasses import dataclass, field

# Paper sizes (mm).
PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN_X = 8.0
MARGIN_TOP = 8.0
FOOTER_H = 16.0  # legend, support scale, destroy-after, doors and page number
RUNNING_HEAD_H = 6.0  # pages after the first: turf name
COL_GAP = 4.0

# A door block.
QR_SIZE = 14.0  # the QR image, its 2-module quiet border included (white margin around it in CSS)
QR_BLOCK = 15.0  # a block is at least this tall: QR plus its clear margin
TEXT_X = 15.5  # address, names and notes start right of the QR
HEAD_H = 4.0  # the address line
ROW_H = 4.0  # one line of a resident row (the same line height: the door's text is one paragraph)
BLOCK_GAP = 1.6
DNK_H = 8.0  # a do-not-knock door: address and the warning, no QR, no boxes
STREET_H = 5.5
GROUP_H = 4.2  # building / staircase / floor header
NAME_CHARS_PER_MM = 0.66  # 7 pt names, wide letters allowed for: characters that surely fit in one millimetre

# The strip of boxes (one image per row), relative to its top-left corner.
STRIP_H = 3.4
BOX = 3.0  # a box's outer side
BOX_TOP = 0.2
RESULT_PITCH = 3.6
RESULT_X = [round(k * RESULT_PITCH, 2) for k in range(8)]
SUPPORT_X = [round(30.4 + k * RESULT_PITCH, 2) for k in range(5)]
FOLLOW_X = 49.8
STRIP_W = 53.0


@dataclass
class Row:
    """One resident (or the "no one known" line) of a door block."""

    resident_id: int | None
    lines: list[str]  # the person's text, wrapped to the name cell
    y: float  # top of the row, from the block's top


@dataclass
class Block:
    """A door on a page: where, how tall, its rows."""

    door: object
    x: float
    y: float
    height: float
    rows: list[Row] = field(default_factory=list)
    notes_h: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def pattern(self) -> tuple:
        """Where this door's strips are, from the first: doors with the same pattern share one image."""
        return tuple(round(row.y - HEAD_H, 2) for row in self.rows)


@dataclass
class Heading:
    """A street or a building/staircase/floor header on a page."""

    text: str
    kind: str  # "street" or "group"
    x: float
    y: float
    continued: bool = False


@dataclass
class Page:
    """One printed page: its number, blocks and headings."""

    number: int
    blocks: list[Block] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)

    @property
    def first_seq(self) -> int | None:
        return self.blocks[0].door.seq if self.blocks else None

    @property
    def last_seq(self) -> int | None:
        return self.blocks[-1].door.seq if self.blocks else None


@dataclass
class Geometry:
    """Page and column sizes for one paper."""

    paper: str
    width: float
    height: float
    col_w: float
    columns: tuple[float, float]
    body_bottom: float

    @classmethod
    def of(cls, paper: str) -> "Geometry":
        width, height = PAPERS.get(paper, PAPERS["a4"])
        col_w = (width - 2 * MARGIN_X - COL_GAP) / 2
        return cls(paper, width, height, col_w, (MARGIN_X, MARGIN_X + col_w + COL_GAP), height - FOOTER_H)

    @property
    def name_w(self) -> float:
        return self.col_w - STRIP_W - TEXT_X - 1.0

    @property
    def strip_x(self) -> float:
        return self.col_w - STRIP_W


def wrap(text: str, width_mm: float) -> list[str]:
    """`text` cut at spaces into lines that fit `width_mm` (a word too long is cut): the name cell never
    runs into the boxes, and the row's height is known here."""
    per_line = max(8, int(width_mm * NAME_CHARS_PER_MM))
    lines, current = [], ""
    for word in text.split():
        while len(word) > per_line:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        if current and len(current) + 1 + len(word) > per_line:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current or not lines:
        lines.append(current)
    return lines


def door_rows(door, texts: list[str], geometry: Geometry, notes_lines: int = 0):
    """The rows of a door (one per printable resident, else one row of boxes for the door), notes height,
    block height."""
    rows, y = [], HEAD_H
    people = list(zip(door.residents, texts, strict=True)) or [(None, "")]
    for resident, text in people:
        lines = wrap(text, geometry.name_w)
        rows.append(Row(resident.id if resident is not None else None, lines, round(y, 2)))
        y += len(lines) * ROW_H
    # The notes area grows with the household (more people, more to write) and holds printed notes.
    notes_h = max(2.6 + 1.2 * min(len(rows), 4), notes_lines * ROW_H + 1.5)
    height = max(QR_BLOCK, y + notes_h)
    return rows, round(notes_h, 2), round(height, 2)


def group_key(address) -> tuple:
    """Doors of one building, staircase and floor share a header."""
    return (address.street_key, address.number, address.suffix, address.building, address.staircase, address.floor)


def paginate(
    doors, *, geometry: Geometry, first_page_top: float, texts, empty_text, street_of, group_of, notes_of=None
) -> list[Page]:
    """Lay the doors out in walking order: column by column, page by page.

    `texts(door)` gives the row texts of a door's residents, `street_of(door)` the street heading,
    `group_of(door)` the building/staircase/floor heading or "" (both only printed when they change, and
    repeated "continued" at the top of a column), `notes_of(door)` the lines printed in its notes area."""
    pages: list[Page] = []
    page = Page(1)
    pages.append(page)
    column, top = 0, first_page_top
    y = top
    current_street = current_group = None

    def next_column():
        nonlocal column, y, page, top
        if column == 0:
            column = 1
        else:
            page = Page(len(pages) + 1)
            pages.append(page)
            column, top = 0, MARGIN_TOP + RUNNING_HEAD_H
        y = top

    for door in doors:
        notes = []
        if door.do_not_knock:
            rows, notes_h, height = [], 0.0, DNK_H
        else:
            notes = notes_of(door) if notes_of else []
            if not door.residents:
                # "No one known" takes the whole width under the door's one row of boxes.
                notes = [empty_text, *notes]
            rows, notes_h, height = door_rows(door, texts(door), geometry, len(notes))
        street, group = street_of(door), group_of(door)
        new_street = street != current_street
        new_group = bool(group) and (new_street or group != current_group)
        needed = height + (STREET_H if new_street else 0) + (GROUP_H if new_group else 0)
        if y + needed > geometry.body_bottom and y > top:
            next_column()
        x = geometry.columns[column]
        at_top = y == top
        if new_street or at_top:
            page.headings.append(Heading(street, "street", x, round(y, 2), continued=not new_street))
            y += STREET_H
        if group and (new_group or at_top):
            page.headings.append(Heading(group, "group", x, round(y, 2), continued=not new_group))
            y += GROUP_H
        page.blocks.append(Block(door, x, round(y, 2), height, rows, notes_h, notes if not door.do_not_knock else []))
        y += height + BLOCK_GAP
        current_street, current_group = street, group
    if not page.blocks and len(pages) > 1:
        pages.pop()
    return pages


def layout_record(pages: list[Page], geometry: Geometry) -> dict:
    """What the photo reader needs to find every box again: per door, its page, the QR's place and its rows.

    {"paper": "a4", "pages": 12, "doors": {"<household id>": [page, x, y, [[resident id, row y], ...]]}}"""
    doors = {}
    for page in pages:
        for block in page.blocks:
            if block.door.do_not_knock:
                continue
            doors[str(block.door.household.id)] = [
                page.number,
                block.x,
                block.y,
                [[row.resident_id, row.y] for row in block.rows],
            ]
    return {"v": 1, "paper": geometry.paper, "col_w": round(geometry.col_w, 3), "pages": len(pages), "doors": doors}
