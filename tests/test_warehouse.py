import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.export import export, wide_table
from etl.ingest import find_files, ingest
from etl.template import all_keys, label_for
from etl.warehouse import connect_readonly
from tests.helpers import FIXTURES, PINGTAN, SAMPLES, ZHUZHOU


def query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    connection = connect_readonly(db)
    try:
        return connection.execute(sql, params or []).fetchall()
    finally:
        connection.close()


def test_ingest_loads_reports_cells_checks_and_the_log(db_path: Path) -> None:
    summary = ingest([ZHUZHOU, PINGTAN], db_path)
    assert summary.counts == {"loaded": 2}
    assert query(db_path, "SELECT count(*) FROM reports WHERE is_current") == [(2,)]
    value = query(
        db_path,
        """SELECT c.value, c.raw, c.read_as, c.location FROM cells c JOIN reports r USING (report_id)
           JOIN agencies a USING (agency_id) WHERE a.name = '株洲市审计局' AND c.key = 'active.procurement.amount_wan'""",
    )
    assert value == [(24.47, "24.47万元", "number", "第85行")]
    report = query(
        db_path, "SELECT year, template, published, source_path, parser_version, length(sha256) FROM reports WHERE year = 2019"
    )
    assert report[0][:2] == (2019, "2019") and str(report[0][2]) == "2020-01-14"
    assert report[0][3] == str(ZHUZHOU) and report[0][5] == 64
    assert query(db_path, "SELECT count(*) FROM checks WHERE status = 'failed'") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM checks") == [(41 + 43,)]
    assert query(db_path, "SELECT count(*), count(seconds) FROM ingest_log WHERE status = 'loaded'") == [(2, 2)]


def test_null_means_not_reported_and_zero_means_reported_zero(db_path: Path) -> None:
    ingest([ZHUZHOU, PINGTAN], db_path)
    wide = wide_table(db_path).set_index("agency")
    assert wide.loc["株洲市审计局", "requests.granted.total"] == 0
    assert pd.isna(wide.loc["平潭综合实验区", "active.procurement.projects"])  # no such table in 2021
    assert pd.isna(wide.loc["株洲市审计局", "active.fees.amount_wan"])  # 2019 fees are counts of items
    assert pd.isna(wide.loc["平潭综合实验区", "active.normative_docs.made"])  # read, but ambiguous
    assert query(db_path, "SELECT read_as FROM cells WHERE key = 'active.normative_docs.made' AND value IS NULL") == [
        ("unreadable",)
    ]


def test_reingesting_an_unchanged_file_changes_nothing(db_path: Path) -> None:
    ingest([ZHUZHOU], db_path)
    before = query(db_path, "SELECT report_id, loaded_at FROM reports")
    summary = ingest([ZHUZHOU], db_path)
    assert summary.counts == {"unchanged": 1}
    assert query(db_path, "SELECT report_id, loaded_at FROM reports") == before
    assert query(db_path, "SELECT count(*) FROM cells") == [(198,)]


def test_a_changed_file_replaces_the_numbers_and_keeps_the_old_record(db_path: Path, tmp_path: Path) -> None:
    ingest([ZHUZHOU], db_path)
    summary = ingest([FIXTURES / "zhuzhou-corrected.txt"], db_path)
    assert summary.counts == {"replaced": 1}
    rows = query(db_path, "SELECT report_id, is_current, superseded_by FROM reports ORDER BY report_id")
    assert rows == [(1, False, 2), (2, True, None)]
    assert query(db_path, "SELECT value FROM cells WHERE key = 'active.procurement.projects'") == [(53.0,)]
    assert query(db_path, "SELECT count(DISTINCT report_id) FROM cells") == [(1,)]


def test_three_versions_of_one_report_in_one_batch_replace_each_other_in_turn(db_path: Path, tmp_path: Path) -> None:
    """The replacements of one batch are marked in one statement: a chain within the batch
    (the first replaced by the second, the second by the third) must come out whole."""
    first, second, third = (tmp_path / name for name in ("a.txt", "b.txt", "c.txt"))
    shutil.copy(ZHUZHOU, first)
    shutil.copy(FIXTURES / "zhuzhou-corrected.txt", second)
    second_text = second.read_text(encoding="utf-8")
    third.write_text(second_text.replace("2020年1月14日", "2020年1月15日", 1), encoding="utf-8")
    assert third.read_text(encoding="utf-8") != second_text
    summary = ingest([first, second, third], db_path)
    assert [o.status for o in summary.outcomes] == ["loaded", "replaced", "replaced"]
    rows = query(db_path, "SELECT report_id, is_current, superseded_by, superseded_at IS NOT NULL FROM reports ORDER BY 1")
    assert rows == [(1, False, 2, True), (2, False, 3, True), (3, True, None, False)]
    assert query(db_path, "SELECT DISTINCT report_id FROM cells") == [(3,)]
    assert query(db_path, "SELECT DISTINCT report_id FROM checks") == [(3,)]


def test_a_folder_is_walked_and_bad_files_are_logged_without_touching_what_is_loaded(db_path: Path, tmp_path: Path) -> None:
    ingest([ZHUZHOU, PINGTAN], db_path)
    cells_before = query(db_path, "SELECT report_id, key, value FROM cells ORDER BY ALL")
    folder = tmp_path / "incoming" / "nested"
    folder.mkdir(parents=True)
    for name in ("empty.txt", "binary.txt", "notice.txt"):
        shutil.copy(FIXTURES / name, folder / name)
    files = find_files([tmp_path / "incoming"])
    assert len(files) == 3
    summary = ingest(files, db_path)
    assert summary.counts == {"failed": 3}
    reasons = {Path(f.file).name: f.reason for f in summary.failures}
    assert "空" in reasons["empty.txt"] and "二进制" in reasons["binary.txt"] and "不是年度报告" in reasons["notice.txt"]
    assert all(str(folder) in reason for reason in reasons.values())  # each reason names its file
    assert query(db_path, "SELECT report_id, key, value FROM cells ORDER BY ALL") == cells_before
    assert query(db_path, "SELECT count(*) FROM ingest_log WHERE status = 'failed' AND reason IS NOT NULL") == [(3,)]


def test_an_open_reader_neither_blocks_the_ingest_nor_sees_it_half_done(db_path: Path) -> None:
    ingest([ZHUZHOU], db_path)
    reader = connect_readonly(db_path)
    try:
        ingest([PINGTAN], db_path)
        assert reader.execute("SELECT count(*) FROM reports").fetchall() == [(1,)]
    finally:
        reader.close()
    assert query(db_path, "SELECT count(*) FROM reports") == [(2,)]


def test_an_interrupted_ingest_leaves_the_published_warehouse_as_it_was(db_path: Path) -> None:
    ingest([ZHUZHOU], db_path)
    before = db_path.read_bytes()

    def interrupt(path: Path, outcome: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest([PINGTAN, FIXTURES / "zhuzhou-corrected.txt"], db_path, progress=interrupt)
    assert db_path.read_bytes() == before
    assert [p.name for p in db_path.parent.iterdir() if "building" in p.name] == []


def test_export_csv_has_a_bom_and_one_column_per_key(db_path: Path, tmp_path: Path) -> None:
    ingest([ZHUZHOU, PINGTAN], db_path)
    out = tmp_path / "cells.csv"
    assert export(db_path, "csv", out) == 2
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame.columns[12:]) == list(all_keys())
    assert frame.set_index("agency").loc["株洲市审计局", ["province", "city", "level", "kind"]].tolist() == [
        "湖南省",
        "株洲市",
        "市",
        "审计",
    ]
    assert frame.set_index("agency").loc["株洲市审计局", "active.procurement.projects"] == 52


def test_export_xlsx_with_chinese_headers_and_parquet(db_path: Path, tmp_path: Path) -> None:
    ingest([ZHUZHOU, PINGTAN], db_path)
    export(db_path, "xlsx", tmp_path / "cells.xlsx", chinese_labels=True)
    sheet = pd.read_excel(tmp_path / "cells.xlsx")
    assert "机关" in sheet.columns and label_for("requests.new_received.total") in sheet.columns
    assert sorted(sheet["机关"]) == ["平潭综合实验区", "株洲市审计局"]
    export(db_path, "parquet", tmp_path / "cells.parquet")
    table = pd.read_parquet(tmp_path / "cells.parquet")
    assert table.set_index("agency").loc["平潭综合实验区", "requests.new_received.total"] == 70


def test_the_bundled_samples_folder_ingests(db_path: Path) -> None:
    summary = ingest(find_files([SAMPLES]), db_path)
    assert summary.counts["failed"] == 0 and summary.counts["loaded"] >= 2


def test_a_pdf_cell_keeps_the_page_and_the_box_it_was_read_from(db_path: Path) -> None:
    ingest([FIXTURES / "real" / "city-2025.print.pdf", ZHUZHOU], db_path)
    ((page, box),) = query(
        db_path,
        "SELECT page, box FROM cells c JOIN reports r USING (report_id) WHERE r.source_format = 'pdf' "
        "AND c.key = 'requests.new_received.total'",
    )
    x0, top, x1, bottom = box
    assert page >= 1 and 0 < x0 < x1 < 600 and 0 < top < bottom < 850 and bottom - top < 20  # one number on an A4 page
    assert query(db_path, "SELECT count(page) FROM cells c JOIN reports r USING (report_id) WHERE r.source_format = 'txt'") == [
        (0,)
    ]


def test_two_copies_of_one_report_do_not_replace_each_other_on_every_reingest(db_path: Path, tmp_path: Path) -> None:
    page, text = tmp_path / "a" / "report.html", tmp_path / "b" / "report.txt"
    page.parent.mkdir()
    text.parent.mkdir()
    shutil.copy(FIXTURES / "formats" / "same-2019-blanks.html", page)
    shutil.copy(FIXTURES / "formats" / "same-2019-blanks.txt", text)
    first = ingest([page, text], db_path)
    assert sorted(o.status for o in first.outcomes) == ["loaded", "replaced"]  # the same agency and year
    current = query(db_path, "SELECT report_id FROM reports WHERE is_current")
    again = ingest([page, text], db_path)
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]
    assert query(db_path, "SELECT report_id FROM reports WHERE is_current") == current
    assert query(db_path, "SELECT count(*) FROM reports") == [(2,)]


def test_an_ingest_of_a_few_files_asks_only_about_their_contents(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload of a file or two asks the warehouse about those contents alone (reading
    every loaded content's digest first took longer, at 100,000 reports, than the rest of
    the file's ingest), and finds what the whole list says; eight files or more are
    parsed by workers, which hold the whole list."""
    import hashlib

    import etl.ingest as ingest_module
    from etl.warehouse import LoadedContents, loaded_digests

    corrected = FIXTURES / "zhuzhou-corrected.txt"
    ingest([ZHUZHOU, PINGTAN], db_path)
    connection = connect_readonly(db_path)
    try:
        every, one_by_one = loaded_digests(connection), LoadedContents(connection)
        digests = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (ZHUZHOU, PINGTAN, corrected)]
        assert [digest in one_by_one for digest in digests] == [digest in every for digest in digests] == [True, True, False]
        assert None not in one_by_one and "zz" not in one_by_one
    finally:
        connection.close()

    asked: list[int] = []

    def counted(connection: object) -> object:
        asked.append(1)
        return loaded_digests(connection)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_module, "loaded_digests", counted)
    summary = ingest([ZHUZHOU, corrected], db_path)
    assert [o.status for o in summary.outcomes] == ["unchanged", "replaced"] and asked == []
    copies = [tmp_path / f"copy-{n}.txt" for n in range(8)]
    for copy in copies:
        shutil.copy(ZHUZHOU, copy)  # a content loaded before, since replaced: never loaded again
    summary = ingest(copies, db_path)
    assert summary.counts == {"unchanged": 8} and asked == [1]


def test_the_rows_workers_build_have_every_column_of_the_schema_with_its_type(tmp_path: Path) -> None:
    """The parse workers build each table's rows as Arrow (etl/warehouse/rows.py) beside
    the SQL schema: both must name the same columns, of the same types."""
    from etl.warehouse import building
    from etl.warehouse.rows import FILLED_LATER, schemas

    with building(tmp_path / "w.duckdb") as connection:
        for table, schema in schemas().items():
            described = connection.execute(f"DESCRIBE {table}").fetchall()
            stored = {str(name): str(kind) for name, kind, *_ in described if name not in FILLED_LATER.get(table, ())}
            empty = schema.empty_table()  # noqa: F841 (read by DuckDB below, by name)
            built = {str(name): str(kind) for name, kind, *_ in connection.execute("DESCRIBE SELECT * FROM empty").fetchall()}
            assert built == stored, table


def test_a_writers_lower_memory_limit_is_set_back_even_when_the_work_fails() -> None:
    import duckdb

    from etl.warehouse.access import memory_limit

    connection = duckdb.connect()
    connection.execute("SET memory_limit = '640MB'")

    def limit() -> str:
        return str(connection.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])

    before = limit()
    for _ in range(3):  # as often as an ingest lowers it: never a little less each time
        with pytest.raises(ZeroDivisionError), memory_limit(connection, "200MB"):
            assert limit() == "190.7 MiB"
            _ = 1 / 0
        assert limit() == before == "610.3 MiB"


def test_work_under_a_lower_memory_limit_starts_on_a_checkpointed_warehouse(tmp_path: Path) -> None:
    """A build logs up to CHECKPOINT_EVERY of change before DuckDB checkpoints it, held in
    memory; the work under a lower limit ran out of it when that much was still waiting (an
    ingest's review, 10,000 reports into a warehouse of 100,000). So the log is written out
    before the limit is lowered: the work finds nothing left in it."""
    import duckdb

    from etl.warehouse.access import memory_limit

    def logged(connection: duckdb.DuckDBPyConnection) -> str:
        return str(connection.execute("SELECT wal_size FROM pragma_database_size()").fetchall()[0][0])

    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        connection.execute("SET checkpoint_threshold = '64MB'")
        connection.execute("CREATE TABLE t AS SELECT range AS n FROM range(100000)")
        assert logged(connection) != "0 bytes"
        with memory_limit(connection, "150MB"):
            assert logged(connection) == "0 bytes"
        assert connection.execute("SELECT count(*) FROM t").fetchall() == [(100000,)]
