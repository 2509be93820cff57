"""Build etl/data/reading-cjk.ttf.xz, the font PDFium reads unembedded Chinese fonts with.

A PDF made by reportlab or iText often names a Chinese font (STSong-Light) without
embedding it, and PDFium then lays each character out in a system font: with Debian's
fonts-noto-cjk, the first face of ``NotoSerifCJK-Regular.ttc`` (Noto Serif CJK JP), whose
code pages include GB2312. Each character's box ends where its glyph's outline ends, so
FreeType interprets the outline of every character on every page twice (once for the page,
once for its text), two thirds of the time PDFium takes to read such a page.

This font has that face's metrics and nothing else: for every character the face maps,
the same advance width and a rectangle outline on the same control box (the box FreeType
gives PDFium), so characters are boxed exactly as with Noto, and the outline takes no time
to interpret. It also makes the reading independent of the fonts a machine has installed:
without Noto CJK, PDFium picks another font and the boxes (so the words) change.

Run once with fontTools (``pip install fonttools``) on Debian's fonts-noto-cjk:

    python tools/build_reading_font.py /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc

The metrics come from Noto Serif CJK (SIL Open Font License 1.1); no outline is copied.
"""

from __future__ import annotations

import lzma
import sys
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.boundsPen import ControlBoundsPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable
from fontTools.ttLib.tables._c_m_a_p import cmap_format_12

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "etl" / "data" / "reading-cjk.ttf.xz"
#: The face PDFium substitutes for GB2312 text: the collection's first whose code pages
#: include it.
FACE = "Noto Serif CJK JP"
#: The name PDFium caches the font under (apart from every system font's).
FAMILY = "ReadingCJK"

Box = tuple[int, int, int, int]


def main(collection_path: str) -> None:
    source = next(font for font in TTCollection(collection_path).fonts if font["name"].getDebugName(1) == FACE)
    glyph_set, advances = source.getGlyphSet(), source["hmtx"].metrics

    def control_box(name: str) -> Box | None:
        pen = ControlBoundsPen(glyph_set)
        glyph_set[name].draw(pen)
        return None if pen.bounds is None else tuple(round(v) for v in pen.bounds)  # type: ignore[return-value]

    # One rectangle glyph per distinct (advance, box): characters share them.
    glyph_of: dict[tuple[int, Box | None], str] = {}
    glyphs, metrics = {}, {}

    def rectangle(advance: int, box: Box | None, name: str) -> str:
        pen = TTGlyphPen(None)
        if box is not None:
            x0, y0, x1, y1 = box
            pen.moveTo((x0, y0))
            pen.lineTo((x0, max(y1, y0 + 1)))
            pen.lineTo((max(x1, x0 + 1), max(y1, y0 + 1)))
            pen.lineTo((max(x1, x0 + 1), y0))
            pen.closePath()
        glyphs[name] = pen.glyph()
        metrics[name] = (advance, box[0] if box else 0)
        return name

    rectangle(advances[".notdef"][0], control_box(".notdef"), ".notdef")
    mapping = {}
    for code, name in sorted(source.getBestCmap().items()):
        key = (advances[name][0], control_box(name))
        if key not in glyph_of:
            glyph_of[key] = rectangle(*key, f"g{len(glyph_of) + 1}")
        mapping[code] = glyph_of[key]

    built = FontBuilder(source["head"].unitsPerEm, isTTF=True)
    built.setupGlyphOrder([".notdef", *glyph_of.values()])
    built.font["cmap"] = _unicode_cmap(mapping)
    built.setupGlyf(glyphs)
    built.setupHorizontalMetrics(metrics)
    built.setupHorizontalHeader(ascent=source["hhea"].ascent, descent=source["hhea"].descent)
    built.setupNameTable(
        {
            "familyName": FAMILY,
            "styleName": "Regular",
            "copyright": "Metrics of Noto Serif CJK JP (SIL Open Font License 1.1); rectangle outlines",
        }
    )
    os2 = source["OS/2"]
    built.setupOS2(
        **{
            field: getattr(os2, field)
            for field in (
                "usWeightClass",
                "sTypoAscender",
                "sTypoDescender",
                "sTypoLineGap",
                "usWinAscent",
                "usWinDescent",
                "sxHeight",
                "sCapHeight",
                "ulCodePageRange1",
                "ulCodePageRange2",
                "ulUnicodeRange1",
                "ulUnicodeRange2",
                "ulUnicodeRange3",
                "ulUnicodeRange4",
            )
        }
    )
    built.setupPost(keepGlyphNames=False)
    staging = OUT.with_suffix("")
    built.save(str(staging))
    OUT.write_bytes(lzma.compress(staging.read_bytes(), preset=9 | lzma.PRESET_EXTREME))
    staging.unlink()
    print(f"{OUT.relative_to(ROOT)}: {len(mapping)} characters, {len(glyph_of)} boxes, {OUT.stat().st_size:,} bytes")
    print(f"etl/readers/pdfium_session.py's TWIN_OF: ({FACE.encode()!r}, {Path(collection_path).stat().st_size:_})")


def _unicode_cmap(mapping: dict[int, str]) -> object:
    """Format 12 only: format 4 cannot hold 40,000 characters mapped to shared glyphs."""
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = []
    for platform, encoding in ((0, 4), (3, 10)):
        subtable = cmap_format_12(12)
        subtable.platformID, subtable.platEncID, subtable.language = platform, encoding, 0
        subtable.cmap = dict(mapping)
        table.tables.append(subtable)
    return table


if __name__ == "__main__":
    main(sys.argv[1])
