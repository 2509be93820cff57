"""导入报告: upload report files or a zip of them; loaded reports appear on every page at once."""

import hashlib
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import answers
from dashboard.answers import db_path
from dashboard.links import report_url
from dashboard.ui import data_table, explain_write_access, uploaders_in_chinese, writes_enabled
from etl.ingest import FileOutcome, ingest
from etl.uploads import UploadError, UploadLimits, save_upload
from etl.words import STATUS_WORDS

MAX_MB = int(os.environ.get("GOV_REPORTS_UPLOAD_MB", "50"))
LIMITS = UploadLimits.from_megabytes(MAX_MB)
UPLOADS = db_path().parent / "uploads"

st.title("导入报告")
if not writes_enabled():
    explain_write_access()
    if not writes_enabled():
        st.stop()
st.caption(
    f"支持 txt、html、docx、pdf（含扫描件）、md、图片（png、jpg、tif，经文字识别）以及包含这些文件的 zip 压缩包；单个文件（及压缩包中的每个文件）不超过 {MAX_MB} MB，"
    f"一个压缩包解压后共不超过 {LIMITS.total_bytes // 2**20} MB。同一机关同一年度的新文件会替换旧数字，旧版本记录保留。"
)
uploaders_in_chinese(MAX_MB)
files = st.file_uploader(
    "选择报告文件",
    type=["txt", "htm", "html", "docx", "pdf", "md", "png", "jpg", "jpeg", "tif", "tiff", "zip"],
    accept_multiple_files=True,
    max_upload_size=MAX_MB,
)


agencies_file = st.file_uploader(
    "机关名单 agencies.csv（可选）：更正机关的地区、级别、类别，或把别名合并为同一机关",
    type=["csv"],
    help="列：name, aliases（多个用 ; 分隔）, province, city, county, level（省/市/县/乡镇）, kind, is_government, parent；"
    "留空的单元格保留推断值。"
    "「数据质量」页可下载待确认机关的名单，改好后在这里上传。",
)


def save_agencies_csv() -> Path | None:
    if agencies_file is None:
        return None
    data = agencies_file.getvalue()
    target = UPLOADS / f"agencies-{hashlib.sha256(data).hexdigest()[:16]}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def outcome_rows(outcomes: list[FileOutcome]) -> list[dict[str, object]]:
    """Each file's result, with the agency and year as read and a link to its report (the
    outcomes' reports asked at once, not once a file: an upload may hold hundreds)."""
    reports = answers.reports_by_id(tuple(o.report_id for o in outcomes if o.report_id is not None))
    read = {int(i): (str(a), int(y)) for i, a, y in zip(reports["report_id"], reports["agency"], reports["year"], strict=True)}
    rows: list[dict[str, object]] = []
    for outcome in outcomes:
        row: dict[str, object] = {"文件": Path(outcome.file).name, "结果": STATUS_WORDS[outcome.status], "原因": outcome.reason}
        if outcome.report_id in read:
            agency, year = read[outcome.report_id]
            row.update({"机关": agency, "年度": year, "报告": report_url(agency, year)})
        rows.append(row)
    return rows


if (files or agencies_file) and st.button("导入", type="primary"):
    paths: list[Path] = []
    problems: list[dict[str, str]] = []
    for upload in files:
        try:
            unpacked = save_upload(
                upload.name, upload.getvalue(), UPLOADS, LIMITS
            )  # sizes checked here too, not only by the browser
        except UploadError as error:
            problems.append({"文件": upload.name, "结果": "失败", "原因": str(error)})
            continue
        paths += unpacked.saved
        problems += [{"文件": f"{upload.name}：{member}", "结果": "未解压", "原因": why} for member, why in unpacked.refused]
    bar = st.progress(0.0, text="正在导入…")
    done: list[FileOutcome] = []

    def advance(path: Path, outcome: FileOutcome) -> None:
        done.append(outcome)
        bar.progress(len(done) / max(len(paths), 1), text=f"已处理 {len(done)}/{len(paths)}：{path.name}")

    def page_read(path: Path, page: int, pages: int) -> None:
        """A scan takes seconds a page: the bar moves within the file, page by page."""
        share = (len(done) + page / max(pages, 1)) / max(len(paths), 1)
        bar.progress(min(share, 1.0), text=f"已处理 {len(done)}/{len(paths)}；正在文字识别 {path.name}：第 {page}/{pages} 页")

    try:
        summary = ingest(paths, db_path(), progress=advance, on_page=page_read, workers=1, agencies_csv=save_agencies_csv())
    except ValueError as error:  # the agencies.csv is malformed: nothing was changed
        st.error(f"机关名单有误，本次没有导入任何内容：{error}")
        st.stop()
    bar.progress(1.0, text="导入完成")
    answers.forget()
    rows = problems + outcome_rows(summary.outcomes)
    st.success(f"处理 {len(rows)} 个文件：" + "，".join(f"{STATUS_WORDS[k]} {v}" for k, v in summary.counts.items()))
    data_table(
        pd.DataFrame(rows, columns=["文件", "结果", "机关", "年度", "报告", "原因"]),
        hide_index=True,
        column_config={
            "报告": st.column_config.LinkColumn("报告", display_text="查看报告"),
            "年度": st.column_config.NumberColumn(format="%d"),
        },
    )
