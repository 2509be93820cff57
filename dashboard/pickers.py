"""Pickers over many names (agencies, reports): a widget listing every one of a million
names costs seconds a page and cannot be scrolled anyway, so past ``LISTED`` names a
picker asks for part of the name first and lists what matches. And a picker whose first
choice depends on the data, which the URL names whatever is chosen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from typing import TypeVar

import streamlit as st
from streamlit.errors import StreamlitAPIException

T = TypeVar("T")

#: The most names a picker lists at once; past it, it lists those matching a search.
LISTED = 1000


def chosen_values(key: str) -> list[str]:
    """What a bound widget holds, or, before it is made in this session, what the link says:
    a picker must list what is chosen, or the widget drops it."""
    if key in st.session_state:
        held = st.session_state[key]
        if held is None:
            return []
        return [str(v) for v in held] if isinstance(held, list | tuple) else [str(held)]
    return list(st.query_params.get_all(key))


def listed(names: Sequence[str], kept: Iterable[str], search: str = "") -> tuple[list[str], int]:
    """The names a picker lists, and how many match: those containing ``search`` (all, when it
    is empty), at most ``LISTED``, in their order; a chosen one not among them goes first."""
    matching = [name for name in names if search in name] if search else list(names)
    return with_kept(matching[:LISTED], kept), len(matching)


def with_kept(shown: list[str], kept: Iterable[str]) -> list[str]:
    """``shown``, after the chosen names it lacks (a widget drops a value its options lack)."""
    present = set(shown)
    return [name for name in dict.fromkeys(kept) if name not in present] + shown


def cut_short(matching: int, search: str, unit: str = "个") -> str:
    """Says that the picker lists only some of the matching names, when it does ("" when not)."""
    if matching <= LISTED:
        return ""
    which = f"名称含“{search}”的有 {matching:,} {unit}" if search else f"共 {matching:,} {unit}"
    return f"{which}，下拉框列出前 {LISTED:,} {unit}；输入名称的一部分可缩小范围。"


def search_box(key: str, total: int, noun: str, unit: str = "个") -> str:
    """A search over ``total`` names when there are too many to list, else nothing ("")."""
    if total <= LISTED:
        return ""
    typed = st.text_input(
        f"查找{noun}",
        key=f"{key}-search",
        placeholder=f"共 {total:,} {unit}{noun}，输入机关名称的一部分",
        bind="query-params",
    )
    return (typed or "").strip()


def many_names(
    label: str, names: Sequence[str], key: str, placeholder: str, noun: str = "机关", max_selections: int | None = None
) -> list[str]:
    """A multiselect over ``names``, bound to the link; a search box first when there are many."""
    search = search_box(key, len(names), noun)
    shown, matching = listed(names, chosen_values(key), search)
    picked = st.multiselect(label, shown, key=key, placeholder=placeholder, max_selections=max_selections, bind="query-params")
    if note := cut_short(matching, search):
        st.caption(note)
    return [str(name) for name in picked]


def named_in_url(label: str, options: Sequence[T], key: str) -> T:
    """A picker whose choice the URL always names (``options`` not empty). A bound widget
    leaves its default out of the URL, and a default that is the first of options made from
    the data (the latest year, the list's first report) changes with the data and the
    filters: a reload or a shared link would show another. So the picker has no default,
    and the first option, shown when nothing is chosen, is chosen for it; so is it when the
    user clears the picker, whose binding then names it in the URL (set there by hand, it
    is refused: the last run's picker bound it)."""
    if st.session_state.get(key) not in options and st.query_params.get(key) not in {str(o) for o in options}:
        st.session_state[key] = options[0]
        with suppress(StreamlitAPIException):
            st.query_params[key] = str(options[0])
    picked = st.selectbox(label, options, index=None, key=key, bind="query-params")
    return options[0] if picked is None else picked
