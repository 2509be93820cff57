"""Answers kept in memory within a budget of bytes, the least recently asked dropped first.

Streamlit's caches bound the number of entries, not their size: at a million reports one
answer is tens of MiB (a country's agencies), so a server that many users ask with many
filters would grow without end. Here every kept answer is weighed once, when it is made,
and the total stays within ``GOV_REPORTS_CACHE_MB`` (default 1024).
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import pandas as pd

R = TypeVar("R")

#: The budget when ``GOV_REPORTS_CACHE_MB`` is not set: a million reports' pages, clicked
#: through with a few filter settings each.
DEFAULT_MB = 1024


def budget_bytes() -> int:
    """The most memory kept answers may take, from ``GOV_REPORTS_CACHE_MB``."""
    text = os.environ.get("GOV_REPORTS_CACHE_MB", "")
    try:
        megabytes = float(text) if text else DEFAULT_MB
    except ValueError:
        raise ValueError(f"GOV_REPORTS_CACHE_MB 应为兆字节数（如 1024），现为：{text!r}") from None
    return max(0, int(megabytes * 2**20))


#: Items of a sequence or mapping weighed one by one; past this, an even sample of them
#: stands for all (a country's 142,858 agency names took a third of a second to weigh).
WEIGHED_ITEMS = 1000


def weight(value: object) -> int:
    """About how many bytes ``value`` holds: a frame's columns (texts included), a
    sequence's or a mapping's items (a long one's from an even sample of them), a
    figure's parts as a whole."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True).sum())
    if isinstance(value, pd.Series):
        return int(value.memory_usage(deep=True))
    if isinstance(value, str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + _items_weight(value.items(), len(value), lambda item: weight(item[0]) + weight(item[1]))
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + _items_weight(value, len(value), weight)
    if hasattr(value, "__dataclass_fields__"):
        return sys.getsizeof(value) + sum(weight(getattr(value, name)) for name in value.__dataclass_fields__)
    if hasattr(value, "to_plotly_json"):  # a figure: its data as the browser gets it
        return len(str(value.to_plotly_json()))
    return sys.getsizeof(value)


class Kept:
    """Answers by key, the most recently asked last; their weights add up to ``total``."""

    def __init__(self, budget: Callable[[], int] = budget_bytes) -> None:
        self._budget = budget
        self._answers: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}
        self._cleared = 0  # how many times everything was dropped
        self.total = 0

    def get(self, key: Hashable, make: Callable[[], R]) -> R:
        """The answer kept under ``key``, or ``make()``'s, kept if it fits the budget. Sessions
        asking the same new key at once wait for the one making it (after a publish, every
        visitor of a page at a million reports would otherwise ask the warehouse the same
        seconds-long questions side by side on two cores)."""
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key][0]  # type: ignore[no-any-return]
            making = self._making.setdefault(key, threading.Lock())
        with making:  # the first asker makes it; the others wait here, then find it kept
            with self._lock:
                if key in self._answers:
                    self._answers.move_to_end(key)
                    return self._answers[key][0]  # type: ignore[no-any-return]
                cleared = self._cleared
            try:
                answer = make()
                self._keep(key, answer, cleared)
            finally:
                with self._lock:
                    self._making.pop(key, None)
        return answer

    def _keep(self, key: Hashable, answer: object, cleared: int) -> None:
        size = weight(answer)
        budget = self._budget()
        with self._lock:
            if key in self._answers or size > budget:  # too large to keep: given, not kept
                return
            if cleared != self._cleared:  # made from what was there before everything was dropped
                return
            self._answers[key] = (answer, size)
            self.total += size
            while self.total > budget:
                _, (_, dropped) = self._answers.popitem(last=False)
                self.total -= dropped

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._cleared += 1
            self.total = 0

    def drop(self, unwanted: Callable[[Hashable], bool]) -> int:
        """Every answer whose key is ``unwanted`` dropped; how many were."""
        with self._lock:
            keys = [key for key in self._answers if unwanted(key)]
            for key in keys:
                self.total -= self._answers.pop(key)[1]
        return len(keys)

    def __len__(self) -> int:
        return len(self._answers)


def _items_weight(items: Iterable[Any], count: int, weigh: Callable[[Any], int]) -> int:
    """The items' weights added up: every one's, or past ``WEIGHED_ITEMS`` an even sample's
    scaled to all of them."""
    if count <= WEIGHED_ITEMS:
        return sum(weigh(item) for item in items)
    step = count // WEIGHED_ITEMS
    sample = list(itertools.islice(items, 0, None, step))
    return sum(weigh(item) for item in sample) * count // len(sample)


def key_of(*parts: object) -> tuple[Hashable, ...]:
    """``parts`` as a dict key: lists and dicts as tuples, so a list of keys and the same
    tuple are one answer."""
    return tuple(_frozen(part) for part in parts)


def _frozen(value: object) -> Hashable:
    if isinstance(value, list | tuple):
        return ("seq", *(_frozen(item) for item in value))
    if isinstance(value, dict):
        return ("dict", *sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return ("set", *sorted(repr(item) for item in value))
    hash(value)  # anything else must be hashable as it is (a Filters, a number, a text)
    return value
