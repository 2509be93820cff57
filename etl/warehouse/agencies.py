"""Agencies in the warehouse: one row per identity, whatever spellings its reports used.

A report's agency name is looked up by its identity key (``etl.agency_inference.agency_key``);
a new key makes a new agency with attributes inferred from the name. The user's
agencies.csv wins: its aliases join agencies, its attributes replace the guesses. A
report whose file names no agency is kept under a placeholder agency flagged
``needs_name`` until the user names it.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from etl import PARSER_VERSION
from etl.agencies_csv import CSV_COLUMNS, Override
from etl.agency_inference import AgencyInfo, agency_key, infer
from etl.gazetteer import fingerprint as gazetteer_fingerprint


def agency_ids(
    connection: duckdb.DuckDBPyConnection, names: list[str], generated: bool, canonical: dict[str, str]
) -> dict[str, int]:
    """Each name's agency id; names of a new identity get a new agency.

    ``canonical`` maps the user's aliases to the name they stand for.
    """
    wanted = {name: agency_key(canonical.get(name, name)) for name in dict.fromkeys(names)}
    known = dict(
        connection.execute(
            "SELECT agency_key, agency_id FROM agencies WHERE list_contains(?, agency_key)", [sorted(set(wanted.values()))]
        ).fetchall()
    )
    new: dict[str, str] = {}  # key -> the name it is created under: the first spelling met
    for name, key in wanted.items():
        if key not in known:
            new.setdefault(key, canonical.get(name, name))
    known.update(_create_many(connection, {key: infer(target) for key, target in new.items()}, generated))
    found = {name: int(known[key]) for name, key in wanted.items()}
    if found:
        connection.execute("INSERT OR IGNORE INTO agency_names SELECT unnest(?), unnest(?)", [list(found), list(found.values())])
    return found


def _create_many(connection: duckdb.DuckDBPyConnection, infos: dict[str, AgencyInfo], generated: bool) -> dict[str, int]:
    """New agencies in one insert, by identity key: a first ingest meets hundreds."""
    if not infos:
        return {}
    ids = [int(row[0]) for row in connection.execute("SELECT nextval('agency_ids') FROM range(?)", [len(infos)]).fetchall()]
    frame = pd.DataFrame(
        [_agency_row(new_id, info, key, generated) for new_id, (key, info) in zip(ids, infos.items(), strict=True)]
    )
    connection.register("new_agencies", frame)
    connection.execute("INSERT INTO agencies BY NAME SELECT * FROM new_agencies")
    connection.unregister("new_agencies")
    return dict(zip(infos, ids, strict=True))


def placeholder_agency(connection: duckdb.DuckDBPyConnection, label: str, sha256: str, generated: bool) -> int:
    """An agency standing in for a report that names none, for the user to name."""
    key = f"unnamed:{sha256}"
    row = connection.execute("SELECT agency_id FROM agencies WHERE agency_key = ?", [key]).fetchall()
    if row:
        return int(row[0][0])
    info = AgencyInfo(f"待命名：{label}（{sha256[:8]}）", None, None, None, None, None, False, True)
    note = "报告标题、落款、文件名和文件夹名中都找不到机关名称，请为它命名"
    return _create(connection, info, key, generated, needs_name=True, note=note)


def _create(
    connection: duckdb.DuckDBPyConnection,
    info: AgencyInfo,
    key: str,
    generated: bool,
    needs_name: bool = False,
    note: str | None = None,
) -> int:
    new_id = int(connection.execute("SELECT nextval('agency_ids')").fetchall()[0][0])
    values = _agency_row(new_id, info, key, generated, needs_name, note)
    columns = ", ".join(values)
    connection.execute(f"INSERT INTO agencies ({columns}) VALUES ({', '.join('?' * len(values))})", list(values.values()))
    return new_id


def _agency_row(
    new_id: int, info: AgencyInfo, key: str, generated: bool, needs_name: bool = False, note: str | None = None
) -> dict[str, object]:
    """A new agency's row, its attributes as inferred from its name."""
    return {
        "agency_id": new_id,
        "agency_key": key,
        "name": info.name,
        "generated": generated,
        "province": info.province,
        "city": info.city,
        "county": info.county,
        "division_code": info.division_code,
        "level": info.level,
        "kind": info.kind,
        "is_government": info.is_government,
        "uncertain": info.uncertain,
        "overridden": False,
        "parent": info.parent,
        "needs_name": needs_name,
        "note": note if note is not None else info.note or None,
    }


def apply_agency_overrides(connection: duckdb.DuckDBPyConnection, overrides: dict[str, Override]) -> set[int] | None:
    """The user's agencies.csv wins over inference where it says something. Returns the
    agencies whose record it changed (the same CSV again changes none, so a re-ingest
    judges nothing again for it), or None when it joined agencies: an agency loaded
    under an alias before the CSV said so is joined to the named one, and which reports
    are current may then change anywhere."""
    if not overrides:
        return set()
    changed: set[int] = set()
    merged = False
    for alias, info in overrides.items():
        target = _agency_by_key(connection, agency_key(info.name))
        source = _agency_by_key(connection, agency_key(alias)) or _agency_by_name(connection, alias)
        if source is None and target is None and (info.on_roster or info.parent) and alias == info.name:
            # A body on the roster, or of an area, with no report yet: the review lists it as
            # 未报, and knows that the area's sum lacks it.
            source = _create(connection, infer(info.name), agency_key(info.name), generated=False)
            changed.add(source)
        if source is None:
            continue
        if target is None:
            connection.execute(
                "UPDATE agencies SET agency_key = ?, needs_name = FALSE WHERE agency_id = ?", [agency_key(info.name), source]
            )
            connection.execute(
                "UPDATE reports SET agency_name = ?, agency_from = 'user' WHERE agency_id = ? AND agency_name IS NULL",
                [info.name, source],
            )
            target = source
            changed.add(target)
        elif source != target:
            merge_agencies(connection, source, target)
            merged = True
        if _override_record(connection, info, target):
            changed.add(target)
    return None if merged else changed


#: The columns of an agency that an agencies.csv row sets (an Override's fields of the
#: same names), and what setting them marks.
_SET_BY_CSV = tuple(column for column in CSV_COLUMNS if column != "aliases")
_OVERRIDDEN = (*_SET_BY_CSV, "uncertain", "overridden", "note")


def _override_record(connection: duckdb.DuckDBPyConnection, info: Override, agency: int) -> bool:
    """Set what the CSV says of one agency (an empty field leaves the inferred value);
    whether that changed its record."""
    current = connection.execute(f"SELECT {', '.join(_OVERRIDDEN)} FROM agencies WHERE agency_id = ?", [agency]).fetchone()
    assert current is not None, agency
    given = tuple(getattr(info, column) for column in _SET_BY_CSV)
    wanted = (*(old if new is None else new for new, old in zip(given, current[: len(given)], strict=True)), False, True, None)
    if wanted == tuple(current):
        return False
    assignments = ", ".join(f"{column} = ?" for column in _OVERRIDDEN)
    connection.execute(f"UPDATE agencies SET {assignments} WHERE agency_id = ?", [*wanted, agency])
    return True


def _agency_by_name(connection: duckdb.DuckDBPyConnection, name: str) -> int | None:
    """A placeholder agency (待命名：…) is found by the name it is shown under."""
    row = connection.execute("SELECT agency_id FROM agencies WHERE name = ?", [name]).fetchall()
    return int(row[0][0]) if row else None


def _agency_by_key(connection: duckdb.DuckDBPyConnection, key: str) -> int | None:
    row = connection.execute("SELECT agency_id FROM agencies WHERE agency_key = ?", [key]).fetchall()
    return int(row[0][0]) if row else None


def merge_agencies(connection: duckdb.DuckDBPyConnection, source: int, target: int) -> None:
    """Move every report of ``source`` to ``target`` and drop ``source``.

    Where both have a current report for a year, the one loaded last (or, loaded in the
    same run, read last) stays current and
    the other is kept as superseded, as when a changed file replaces a report.
    """
    clashes = connection.execute(
        """SELECT s.report_id, t.report_id, (s.loaded_at, s.report_id) > (t.loaded_at, t.report_id)
           FROM reports s JOIN reports t ON s.year = t.year
           WHERE s.agency_id = ? AND t.agency_id = ? AND s.is_current AND t.is_current""",
        [source, target],
    ).fetchall()
    for source_report, target_report, source_is_newer in clashes:
        old, new = (target_report, source_report) if source_is_newer else (source_report, target_report)
        supersede(connection, [(int(old), int(new))])
    connection.execute(
        """UPDATE reports SET agency_name = coalesce(agency_name, (SELECT name FROM agencies WHERE agency_id = ?)),
               agency_from = CASE WHEN agency_name IS NULL THEN 'user' ELSE agency_from END
           WHERE agency_id = ?""",
        [target, source],
    )  # a placeholder's reports named no agency: the user named them
    connection.execute("UPDATE reports SET agency_id = ? WHERE agency_id = ?", [target, source])
    connection.execute("UPDATE agency_names SET agency_id = ? WHERE agency_id = ?", [target, source])
    connection.execute("DELETE FROM agencies WHERE agency_id = ?", [source])


def supersede(connection: duckdb.DuckDBPyConnection, pairs: list[tuple[int, int]]) -> None:
    """Mark each old report as replaced by the new one; the old one's numbers go, its record stays."""
    if not pairs:
        return
    old_ids = [old for old, _ in pairs]
    # One statement for the batch: an UPDATE each took a millisecond, seconds a thousand replacements.
    connection.execute(
        """UPDATE reports SET is_current = FALSE, superseded_at = now(), superseded_by = pairs.new
           FROM (SELECT unnest(?) AS old, unnest(?) AS new) pairs WHERE reports.report_id = pairs.old""",
        [old_ids, [new for _, new in pairs]],
    )
    # As a join with the ids, not ``list_contains``: DuckDB then reads only the blocks that
    # can hold them (the cells of 100 reports out of 100,000: 13 ms, not 76).
    for table in ("cells", "checks", "issues"):
        connection.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT unnest(?::INTEGER[]))", [old_ids])


def name_report(connection: duckdb.DuckDBPyConnection, report_id: int, name: str) -> int:
    """The user names the agency of a report (one flagged for naming, or one named wrongly)."""
    row = connection.execute("SELECT agency_id, year FROM reports WHERE report_id = ?", [report_id]).fetchall()
    if not row:
        raise LookupError(f"没有编号为 {report_id} 的报告")
    old_agency, year = int(row[0][0]), int(row[0][1])
    new_agency = agency_ids(connection, [name], False, {})[name]
    if new_agency == old_agency:
        return new_agency
    clash = connection.execute(
        "SELECT report_id FROM reports WHERE agency_id = ? AND year = ? AND is_current", [new_agency, year]
    ).fetchall()
    if clash:
        supersede(connection, [(int(clash[0][0]), report_id)])
    connection.execute(
        "UPDATE reports SET agency_id = ?, agency_name = ?, agency_from = 'user' WHERE report_id = ?",
        [new_agency, name, report_id],
    )
    connection.execute(
        """DELETE FROM agencies WHERE agency_id = ? AND needs_name
           AND NOT EXISTS (SELECT 1 FROM reports WHERE agency_id = ?)""",
        [old_agency, old_agency],
    )
    return new_agency


def rekey_agencies(connection: duckdb.DuckDBPyConnection) -> None:
    """Give every agency its identity key, joining agencies that turn out to be one
    (a warehouse written before keys existed held 湖南省株洲市审计局 and 株洲市审计局 apart)."""
    rows = connection.execute("SELECT agency_id, name FROM agencies WHERE agency_key IS NULL ORDER BY agency_id").fetchall()
    first: dict[str, int] = dict(
        connection.execute("SELECT agency_key, agency_id FROM agencies WHERE agency_key IS NOT NULL").fetchall()
    )
    for agency_id, name in rows:
        key = agency_key(name)
        if key in first:
            merge_agencies(connection, int(agency_id), first[key])
            continue
        first[key] = int(agency_id)
        info = infer(name)
        connection.execute(
            "UPDATE agencies SET agency_key = ?, division_code = ?, note = ?, needs_name = FALSE WHERE agency_id = ?",
            [key, info.division_code, info.note or None, agency_id],
        )


def refresh_agencies(connection: duckdb.DuckDBPyConnection) -> set[int] | None:
    """After reports change: display names follow each agency's latest report, and what
    was inferred is inferred again for the renamed agencies only, or for all of them once
    when the gazetteer or the parser (whose version covers the inference rules) changed.
    Returns the agencies whose name or attributes changed (None: all were inferred again)."""
    renamed = _refresh_display_names(connection)
    stamp = f"{PARSER_VERSION}/{gazetteer_fingerprint()}"
    stored = connection.execute("SELECT value FROM meta WHERE key = 'inferred_with'").fetchall()
    every = stored != [(stamp,)]
    changed = _refresh_inferred(connection, None if every else renamed)
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('inferred_with', ?)", [stamp])
    return None if every else {*renamed, *changed}


def _refresh_display_names(connection: duckdb.DuckDBPyConnection) -> list[int]:
    """An agency is shown under the name its latest report uses, unless the user named it;
    returns the agencies whose name changed."""
    rows = connection.execute(
        """UPDATE agencies SET name = latest.name
           FROM (SELECT agency_id, arg_max(agency_name, year::BIGINT * 1000000000 + report_id) AS name
                 FROM reports WHERE is_current AND agency_name IS NOT NULL GROUP BY agency_id) latest
           WHERE agencies.agency_id = latest.agency_id AND NOT agencies.overridden AND NOT agencies.needs_name
             AND agencies.name <> latest.name
           RETURNING agencies.agency_id"""
    ).fetchall()
    return [int(row[0]) for row in rows]


def _refresh_inferred(connection: duckdb.DuckDBPyConnection, only: list[int] | None) -> list[int]:
    """Infer again what the user has not set (for ``only`` these agencies, or all);
    returns the agencies whose attributes changed."""
    if only == []:
        return []
    columns = ("province", "city", "county", "division_code", "level", "kind", "is_government", "uncertain", "note")
    chosen = "" if only is None else " AND list_contains(?, agency_id)"
    rows = connection.execute(
        f"SELECT agency_id, name, {', '.join(columns)} FROM agencies WHERE NOT overridden AND NOT needs_name{chosen}",
        [] if only is None else [only],
    ).fetchall()
    changed = []
    for agency_id, name, *stored in rows:
        info = infer(name)
        fresh = [getattr(info, column) for column in columns[:-1]] + [info.note or None]
        if fresh != stored:
            changed.append((*fresh, agency_id))
    if changed:
        assignments = ", ".join(f"{column} = ?" for column in columns)
        connection.executemany(f"UPDATE agencies SET {assignments} WHERE agency_id = ?", changed)
    return [int(row[-1]) for row in changed]


def agency_table(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every agency with what was inferred, what the user set and the spellings seen."""
    return connection.execute(
        """SELECT a.name, a.province, a.city, a.county, a.level, a.kind, a.is_government, a.uncertain, a.overridden,
                  a.generated, a.needs_name, a.note, a.parent, a.agency_key,
                  list(n.name ORDER BY n.name) FILTER (WHERE n.name IS NOT NULL AND n.name <> a.name) AS aliases,
                  (SELECT count(*) FROM reports r WHERE r.agency_id = a.agency_id AND r.is_current) AS reports
           FROM agencies a LEFT JOIN agency_names n USING (agency_id)
           GROUP BY ALL ORDER BY a.name"""
    ).df()


def agency_runs(connection: duckdb.DuckDBPyConnection, reports: int, named_only: bool = False) -> list[tuple[int, int]]:
    """The agencies with current reports (``named_only``: not those still to be named) in
    runs of about ``reports`` reports, each run its first and last agency number and ending
    with a whole agency: what depends on one agency's reports alone can be made for every
    agency a run at a time, within memory a million reports at once do not fit."""
    # From the tables, not the current_reports view: an upgrade checks the years of a
    # warehouse made before the view.
    named = "JOIN agencies a USING (agency_id) WHERE r.is_current AND NOT coalesce(a.needs_name, FALSE)"
    counts = connection.execute(
        f"""SELECT agency_id, count(*) AS reports FROM reports r {named if named_only else "WHERE r.is_current"}
            GROUP BY agency_id ORDER BY agency_id"""
    ).fetchnumpy()
    agencies, sizes = counts["agency_id"], counts["reports"]
    if not len(agencies):
        return []
    run = (np.cumsum(sizes) - sizes) // max(reports, 1)  # the run an agency's first report falls in
    ends = np.flatnonzero(np.diff(run)) + 1
    starts = np.concatenate([[0], ends])
    stops = np.concatenate([ends, [len(agencies)]]) - 1
    return [(int(agencies[a]), int(agencies[b])) for a, b in zip(starts, stops, strict=True)]
