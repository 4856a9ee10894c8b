"""Power map geometry without a database: cells, positions and crowded cells."""

from types import SimpleNamespace

from organizer.campaigns import powermap


def _link(i, stance, influence, role="other"):
    return SimpleNamespace(
        id=i, role=role, stance=stance, influence=influence, actor=SimpleNamespace(id=i, name=f"Acteur {i:02d}")
    )


def test_corners_of_the_grid():
    pm = powermap.build([_link(1, 2, 5), _link(2, -2, 1), _link(3, 0, 3)])
    points = {p.actor_id: p for p in pm.points}
    right = max(c.x for c in pm.cells)
    top = min(c.y for c in pm.cells)
    assert right <= points[1].cx < right + pm.cell_width and top <= points[1].cy < top + pm.cell_height
    assert points[2].cx < min(c.x for c in pm.cells) + pm.cell_width
    assert points[2].cy >= max(c.y for c in pm.cells)
    # Influence grows upwards, stance rightwards.
    assert points[3].cx < points[1].cx and points[3].cy > points[1].cy


def test_crowded_cell_keeps_points_inside_and_counts_the_rest():
    pm = powermap.build([_link(i, 1, 4) for i in range(11)])
    cell = next(c for c in pm.cells if (c.stance, c.influence) == (1, 4))
    assert len(pm.points) == 7
    for p in pm.points:
        assert cell.x <= p.cx <= cell.x + pm.cell_width and cell.y <= p.cy <= cell.y + pm.cell_height
    assert [count for _x, _y, count in pm.overflow] == [4]
    assert len({(p.cx, p.cy) for p in pm.points}) == 7  # no two points on top of each other
