"""Questions asked before a publish, asked again as soon as it lands.

Every kept answer is keyed by the warehouse's version, so after an ingest publishes, each
page's first visit asks the warehouse anew: at a million reports 机关对比 took 2.2 s and
年报审查 1.2 s on the server (2.4 s and 1.3 s clicked in a browser). A watcher notices the new version
within a second and asks again, most recently asked first, the questions visitors asked
of the old one (their filters and choices as they were): the next visitor finds the answers
kept. Answers of the old version are dropped at once, to leave the budget to the new.

``GOV_REPORTS_WARM=0`` turns the watcher off (a server short of CPU between visits).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

log = logging.getLogger(__name__)

#: How many of the questions last asked of a warehouse are asked again after a publish:
#: clicking through every page asks some sixty; a few filter settings each, at a million
#: reports some tens of seconds of work on one core, while visitors find answers kept.
REMEMBERED = 200
#: Seconds between looks at the warehouse file (one ``stat``).
POLL = 1.0
#: Questions failing in one go after which the rest are left to their visitors: a file the
#: pages cannot read (one to upgrade, say) would fail every one of them, and fill the log.
FAILURES_TO_STOP = 3


def enabled() -> bool:
    """Whether the watcher asks again, from ``GOV_REPORTS_WARM`` (on unless ``0``)."""
    return os.environ.get("GOV_REPORTS_WARM", "1").strip() != "0"


class Warmer:
    """The questions last asked of each warehouse file, and a thread that asks them again
    when the file's version changes.

    ``version_of`` gives a file's version; ``current_db`` the file pages read now (a
    question is asked again only of that one: a page's tables ask their answers of it);
    ``on_new_version`` hears of a version first seen, before anything is asked again.
    """

    def __init__(
        self,
        version_of: Callable[[Path], str],
        current_db: Callable[[], Path],
        on_new_version: Callable[[Path, str], None],
        remembered: int = REMEMBERED,
        poll: float = POLL,
    ) -> None:
        self._version_of = version_of
        self._current_db = current_db
        self._on_new_version = on_new_version
        self._remembered = remembered
        self._poll = poll
        self._lock = threading.Lock()
        self._questions: dict[Path, OrderedDict[Hashable, Callable[[], object]]] = {}
        self._watched: dict[Path, str] = {}  # the version each file was last warmed for
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self.asked_again = 0  # questions asked again since the process started

    def asked(self, db: Path, version: str, question: Hashable, again: Callable[[], object]) -> None:
        """``question`` was asked of ``db`` at ``version``; ``again()`` asks it anew."""
        with self._lock:
            questions = self._questions.setdefault(db, OrderedDict())
            questions[question] = again
            questions.move_to_end(question)
            while len(questions) > self._remembered:
                questions.popitem(last=False)
            self._watched.setdefault(db, version)

    def start(self) -> None:
        """The watcher, once per process (a daemon thread: it dies with the server)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._watch, name="warm-after-publish", daemon=True)
            self._thread.start()

    def settle(self, timeout: float) -> bool:
        """Wait until nothing is being asked again (for benchmarks and tests): True if so
        within ``timeout`` seconds."""
        return self._idle.wait(timeout)

    def settled_on_current(self, timeout: float) -> bool:
        """Wait until the version of the file pages read now has been asked again and
        nothing is being asked (for tests): True if so within ``timeout`` seconds. An
        ingest may change the file more than once; ``settle`` alone can return between
        two of its versions."""
        deadline = time.monotonic() + timeout
        while self._idle.wait(max(0.0, deadline - time.monotonic())):
            db = self._current_db()
            with self._lock:
                known = self._watched.get(db)
            if known == self._version_of(db) and self._idle.is_set():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(self._poll / 10)
        return False

    def look(self) -> None:
        """One look at every file asked of: each whose version changed is warmed now."""
        with self._lock:
            watched = list(self._watched.items())
        for db, known in watched:
            version = self._version_of(db)
            if version in (known, "missing"):
                continue
            self._idle.clear()
            try:
                with self._lock:
                    self._watched[db] = version
                self._on_new_version(db, version)
                self._ask_again(db, version)
            finally:
                self._idle.set()

    def _watch(self) -> None:
        while True:
            time.sleep(self._poll)
            if not enabled():
                continue
            try:
                self.look()
            except Exception:  # the watcher must outlive any one bad look
                log.exception("warming the dashboard's answers failed")

    def _ask_again(self, db: Path, version: str) -> None:
        with self._lock:
            questions = list(reversed(self._questions.get(db, {}).values()))  # most recent first
        failures = 0
        for again in questions:
            if self._version_of(db) != version or self._current_db() != db or not enabled():
                return  # published again (the next look warms that), or no longer read
            try:
                again()
                self.asked_again += 1
            except Exception:  # one question that fails now fails for its visitor, in words
                failures += 1
                log.warning("asking again after a publish failed", exc_info=failures == 1)
                if failures >= FAILURES_TO_STOP:
                    log.warning("%s: %d questions failed after its publish; the rest wait for their visitors", db, failures)
                    return
