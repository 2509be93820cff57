"""Row labels OCR misread by a character (途期 for 逾期), put back in the template's words.

A label that no longer matches its row leaves the row unread, however well its numbers
were read. The template's label phrases are long and far apart from one another, so a
stretch of a scanned label that differs from one of them in a single character in six
is that phrase: it is replaced, and the cell keeps what OCR read.
"""

from __future__ import annotations

from etl.template import label_cores

#: Phrases shorter than this are too close to one another to correct towards.
SHORTEST_CORE = 6
#: At most one wrong character in this many.
CHARACTERS_PER_ERROR = 6


def corrected_label(text: str) -> str:
    """``text`` with every near miss of a label phrase replaced by the phrase."""
    for core in label_cores():
        if len(core) < SHORTEST_CORE or core in text:
            continue
        allowed = len(core) // CHARACTERS_PER_ERROR
        for start in range(len(text) - len(core) + 1):
            window = text[start : start + len(core)]
            misses = sum(a != b for a, b in zip(window, core, strict=True))
            if 0 < misses <= allowed and not any(char.isdigit() for char in window):
                text = text[:start] + core + text[start + len(core) :]
                break
    return text
