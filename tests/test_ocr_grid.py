"""A scanned table's borders come from its pixels, and a cell OCR left empty is found."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from etl.readers.ocr_grid import TextBox, doubtful_cells, find_rules

pytest.importorskip("cv2", reason="the ocr extra is not installed (make install installs it)")
DPI = 200


def _table(rows: int = 3, columns: int = 4, seal: bool = False) -> Image.Image:
    """A ruled grid on grey paper, 100 x 50 px cells from (100, 100), a mark in cell (1, 2)."""
    image = Image.new("RGB", (700, 500), (228, 228, 228))
    draw = ImageDraw.Draw(image)
    for r in range(rows + 1):
        draw.line((100, 100 + 50 * r, 100 + 100 * columns, 100 + 50 * r), fill=(20, 20, 20), width=2)
    for c in range(columns + 1):
        draw.line((100 + 100 * c, 100, 100 + 100 * c, 100 + 50 * rows), fill=(20, 20, 20), width=2)
    draw.rectangle((345, 165, 352, 185), fill=(10, 10, 10))  # a lone "1" in row 1, column 2
    if seal:
        draw.ellipse((380, 120, 560, 300), outline=(220, 40, 40), width=3)
    return image


def test_the_borders_of_a_ruled_table_are_found_and_glyphs_are_not() -> None:
    rules = find_rules(_table(), DPI)
    across = sorted(r.at for r in rules if not r.vertical)
    down = sorted(r.at for r in rules if r.vertical)
    assert across == pytest.approx([100.5, 150.5, 200.5, 250.5]) and down == pytest.approx([100.5, 200.5, 300.5, 400.5, 500.5])


def test_a_red_seal_over_the_table_draws_no_border() -> None:
    assert len(find_rules(_table(seal=True), DPI)) == len(find_rules(_table(), DPI))


def test_a_cell_with_ink_and_no_text_box_is_read_again_and_one_with_a_sure_box_is_not() -> None:
    image = _table()
    rules = find_rules(image, DPI)
    (cell,) = doubtful_cells(image, DPI, rules, [])
    assert 300 < cell.x0 < 345 and 352 < cell.x1 < 400 and 150 < cell.top < 165 and cell.boxes == ()
    sure = TextBox(343, 163, 354, 187, 0.97)
    assert doubtful_cells(image, DPI, rules, [sure]) == []
    unsure = TextBox(343, 163, 354, 187, 0.4)
    assert [c.boxes for c in doubtful_cells(image, DPI, rules, [unsure])] == [(0,)]


def test_pieces_of_borders_keep_their_own_extents() -> None:
    image = Image.new("RGB", (400, 700), (228, 228, 228))
    draw = ImageDraw.Draw(image)
    for x, top, bottom in ((300, 100, 200), (300, 300, 400), (296, 500, 600)):  # a border broken twice, one drifting
        draw.line((x, top, x, bottom), fill=(20, 20, 20), width=2)
    spans = sorted((r.start, r.end) for r in find_rules(image, DPI) if r.vertical)
    assert len(spans) == 3
    for (start, end), (top, bottom) in zip(spans, [(100, 200), (300, 400), (500, 600)], strict=True):
        assert abs(start - top) <= 2 and abs(end - bottom) <= 2


def test_digits_boxed_across_cell_borders_are_one_number_per_cell() -> None:
    from etl.readers.ocr import split_at_borders
    from etl.readers.ocr_grid import Rule
    from etl.readers.pdf import PageWord

    scale = 72 / DPI
    borders = [Rule(True, x / scale, 0.0, 1000.0) for x in (110.0, 120.0, 130.0)]  # cells 10 pt wide
    glued = PageWord("0000", 102.0, 138.0, 50.0, 60.0, 0.9)  # four zeros across four cells, one box
    alone = PageWord("25", 121.0, 129.0, 80.0, 90.0, 0.99)  # a number inside one cell
    cut = split_at_borders([glued, alone], borders, scale)
    assert [(w.text, round(w.x0), round(w.x1)) for w in cut] == [
        ("0", 102, 110),
        ("0", 110, 120),
        ("0", 120, 130),
        ("0", 130, 138),
        ("25", 121, 129),
    ]
