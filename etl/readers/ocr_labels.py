"""Row labels and table headings OCR misread by a character, put back in the template's words.

A label that no longer matches its row leaves the row unread, however well its numbers
were read (途期 for 逾期); a heading with a speck of the seal read into it (四、正政府信息公开
行政复议) leaves its whole table unfound. The template's phrases are long and far apart
from one another, so a stretch of a scanned line that is one character in six away from
one of them (a character read wrong, one too many or one missing) is that phrase: it is
replaced, and the cell keeps what OCR read.
"""

from __future__ import annotations

from functools import cache

from etl.template import PRINTED_HEADINGS, label_cores

#: Phrases shorter than this are too close to one another to correct towards.
SHORTEST_PHRASE = 6
#: At most one wrong character in this many.
CHARACTERS_PER_ERROR = 6
#: Lines longer than this are narrative, not a label or a heading: left as read.
LONGEST_LINE = 80


@cache
def _phrases() -> tuple[str, ...]:
    return tuple(phrase for phrase in (*PRINTED_HEADINGS, *label_cores()) if len(phrase) >= SHORTEST_PHRASE)


def corrected_label(text: str) -> str:
    """``text`` with every near miss of a template phrase replaced by the phrase."""
    if len(text) > LONGEST_LINE:
        return text
    for phrase in _phrases():
        if phrase in text:
            continue
        allowed = len(phrase) // CHARACTERS_PER_ERROR
        found = _near_miss(text, phrase, allowed)
        if found is not None:
            start, end = found
            text = text[:start] + phrase + text[end:]
    return text


def _near_miss(text: str, phrase: str, allowed: int) -> tuple[int, int] | None:
    """Where in ``text`` the stretch closest to ``phrase`` lies, if within ``allowed`` edits."""
    best: tuple[int, int, int] | None = None  # edits, start, end
    for width in (len(phrase), len(phrase) + 1, len(phrase) - 1):
        for start in range(len(text) - width + 1):
            window = text[start : start + width]
            if any(char.isdigit() for char in window) or (window[0] != phrase[0] and window[-1] != phrase[-1]):
                continue
            edits = _edits(window, phrase, allowed)
            if 0 < edits <= allowed and (best is None or edits < best[0]):
                best = (edits, start, start + width)
    return None if best is None else (best[1], best[2])


def _edits(a: str, b: str, limit: int) -> int:
    """The edit distance of two short strings, or ``limit + 1`` once it is clearly more."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
