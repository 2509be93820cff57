"""The national annual-report template, declared once as data.

Every other module takes tables, rows, columns, keys and labels from here: the readers
find rows by the label patterns, the checks build their equations from the row roles,
the warehouse and the dashboard show the Chinese labels. Keys follow
``table.row.column`` and never change meaning (see TEMPLATE.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal, TypeVar

Version = Literal["2019", "2021"]
VERSIONS: tuple[Version, ...] = ("2019", "2021")

#: How a cell's text is turned into a number: counts are non-negative integers,
#: ``signed`` allows a minus (2019's 本年增/减), ``money`` is 万元 with decimals.
CellKind = Literal["count", "signed", "money"]

#: What a row is for the identities: ``flow`` rows (received, carried over/forward),
#: ``leaf`` outcome rows, ``subtotal`` rows of a local variant, the ``total`` row, or a
#: ``plain`` row with no accounting role (tables 二 and 四).
RowRole = Literal["flow", "leaf", "subtotal", "total", "plain"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: CellKind = "count"


@dataclass(frozen=True)
class Row:
    """One value row of a table, found in a report by its label pattern."""

    key: str
    label: str
    cores: tuple[str, ...]
    prefix: str = ""
    prefix_required: bool = False
    columns: tuple[Column, ...] = ()
    role: RowRole = "plain"
    group: str | None = None
    optional: bool = False  # local-variant rows (subtotals) that most reports lack
    block: str = ""  # table 二's 第二十条 item the row belongs to: （一）, （五）, …


@dataclass(frozen=True)
class Anchor:
    """A label that starts a run of rows without values of its own (a group heading)."""

    name: str
    label: str  # as printed: （三）不予公开
    cores: tuple[str, ...]
    prefix: str = ""
    first_row: str = ""  # the key of the first row the heading covers


@dataclass(frozen=True)
class Table:
    key: str
    label: str
    heading: str  # regex for the part heading that opens this table
    rows: tuple[Row, ...]
    anchors: tuple[Anchor, ...] = ()
    header: str = ""  # regex for the table's own header texts, found where the heading is not
    one_printed_row: bool = False  # table 四: its rows print side by side, one row of numbers with no label

    @property
    def printed_width(self) -> int:
        """Value cells a printed row holds: table 三's seven (one more in the local variant
        with 小计), table 四's fifteen, 0 for table 二, whose blocks differ."""
        if self.one_printed_row:
            return sum(len(row.columns) for row in self.rows)
        widths = {len(row.columns) for row in self.rows}
        return widths.pop() if len(widths) == 1 else 0


def _spread(*words: str) -> str:
    """A regex for any of the words with any white space (cell and line breaks) inside."""
    return "|".join(r"\s*".join(re.escape(char) for char in word) for word in words)


# ---- Table 二: 主动公开政府信息情况 ---------------------------------------------------

_MADE_2019 = (
    Column("made", "本年新制作数量"),
    Column("published", "本年新公开数量"),
    Column("total_published", "对外公开总数量"),
)
_ITEMS_2019 = (
    Column("prev_items", "上一年项目数量"),
    Column("change", "本年增/减", "signed"),
    Column("decisions", "处理决定数量"),
)
_MADE_2021 = (
    Column("made", "本年制发件数"),
    Column("repealed", "本年废止件数"),
    Column("in_force", "现行有效件数"),
)
_DECISIONS_2021 = (Column("decisions", "本年处理决定数量"),)

_ACTIVE_HEADING = r"二\s*[、.．]\s*主动公开政府信息(?:情况)?"
_ACTIVE_HEADER = _spread("第二十条第（一）项", "第二十条第(一)项", "信息内容本年新制作数量", "信息内容本年制发件数")

ACTIVE_2019 = Table(
    "active",
    "主动公开政府信息情况",
    _ACTIVE_HEADING,
    header=_ACTIVE_HEADER,
    rows=(
        Row("regulations", "规章", ("规章",), columns=_MADE_2019, block="（一）"),
        Row("normative_docs", "规范性文件", ("规范性文件",), prefix="行政", columns=_MADE_2019, block="（一）"),
        Row("licensing", "行政许可", ("行政许可",), columns=_ITEMS_2019, block="（五）"),
        Row("other_services", "其他对外管理服务事项", ("其他对外管理服务事项",), columns=_ITEMS_2019, block="（五）"),
        Row("penalty", "行政处罚", ("行政处罚",), columns=_ITEMS_2019, block="（六）"),
        Row("coercion", "行政强制", ("行政强制",), columns=_ITEMS_2019, block="（六）"),
        Row(
            "fees",
            "行政事业性收费",
            ("行政事业性收费",),
            block="（八）",
            columns=(Column("prev_items", "上一年项目数量"), Column("change", "本年增/减", "signed")),
        ),
        Row(
            "procurement",
            "政府集中采购",
            ("政府集中采购",),
            block="（九）",
            columns=(Column("projects", "采购项目数量"), Column("amount_wan", "采购总金额", "money")),
        ),
    ),
)

ACTIVE_2021 = Table(
    "active",
    "主动公开政府信息情况",
    _ACTIVE_HEADING,
    header=_ACTIVE_HEADER,
    rows=(
        Row("regulations", "规章", ("规章",), columns=_MADE_2021, block="（一）"),
        Row("normative_docs", "行政规范性文件", ("规范性文件",), prefix="行政", columns=_MADE_2021, block="（一）"),
        Row("licensing", "行政许可", ("行政许可",), columns=_DECISIONS_2021, block="（五）"),
        Row("penalty", "行政处罚", ("行政处罚",), columns=_DECISIONS_2021, block="（六）"),
        Row("coercion", "行政强制", ("行政强制",), columns=_DECISIONS_2021, block="（六）"),
        Row(
            "fees",
            "行政事业性收费",
            ("行政事业性收费",),
            block="（八）",
            columns=(Column("amount_wan", "本年收费金额（单位：万元）", "money"),),
        ),
    ),
)

# ---- Table 三: 收到和处理政府信息公开申请情况 ----------------------------------------------

REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_org", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
ORG_SUBTOTAL = Column("org_subtotal", "法人或其他组织小计")
ORG_COLUMN_KEYS = ("commercial", "research", "social_org", "legal_service", "other_org")
APPLICANT_COLUMN_KEYS = ("natural_person", *ORG_COLUMN_KEYS)


def _req(key: str, label: str, core: str, prefix: str = "", **kw: object) -> Row:
    return Row(key, label, (core,), prefix=prefix, columns=REQUEST_COLUMNS, **kw)  # type: ignore[arg-type]


def _group(name: str, label: str, prefix: str, children: list[tuple[str, str]]) -> list[Row]:
    """A 不予公开-style group: an optional local subtotal row, then numbered leaf rows."""
    rows = [
        Row(
            f"{name}_subtotal",
            f"{label}（小计）",
            (label,),
            prefix=prefix,
            columns=REQUEST_COLUMNS,
            role="subtotal",
            group=name,
            optional=True,
        )
    ]
    for number, (key, core) in enumerate(children, start=1):
        rows.append(
            Row(
                key,
                f"{number}.{core}",
                (core,),
                prefix=rf"{number}\s*[.．、]?",
                columns=REQUEST_COLUMNS,
                role="leaf",
                group=name,
            )
        )
    return rows


_DENIED = [
    ("denied_state_secret", "属于国家秘密"),
    ("denied_prohibited_by_law", "其他法律行政法规禁止公开"),
    ("denied_security_stability", "危及“三安全一稳定”"),
    ("denied_third_party", "保护第三方合法权益"),
    ("denied_internal_affairs", "属于三类内部事务信息"),
    ("denied_process_info", "属于四类过程性信息"),
    ("denied_enforcement_files", "属于行政执法案卷"),
    ("denied_inquiry", "属于行政查询事项"),
]
_UNABLE = [
    ("unable_not_held", "本机关不掌握相关政府信息"),
    ("unable_needs_creation", "没有现成信息需要另行制作"),
    ("unable_unclear", "补正后申请内容仍不明确"),
]
_NOT_PROCESSED = [
    ("not_processed_petition", "信访举报投诉类申请"),
    ("not_processed_duplicate", "重复申请"),
    ("not_processed_publication", "要求提供公开出版物"),
    ("not_processed_excessive", "无正当理由大量反复申请"),
    ("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息"),
]
_OTHER_2021 = [
    ("other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "其他"),
]

_P1, _P2, _P3, _P4, _P5, _P6, _P7 = (rf"[（(]\s*{n}\s*[）)]" for n in "一二三四五六七")


def _request_rows(version: Version) -> tuple[Row, ...]:
    head = [
        _req("new_received", "一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量", r"一\s*[、.．]", role="flow"),
        _req("carried_over", "二、上年结转政府信息公开申请数量", "上年结转政府信息公开申请数量", r"二\s*[、.．]", role="flow"),
        _req("granted", "（一）予以公开", "予以公开", _P1, role="leaf"),
        _req("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开", _P2, role="leaf"),
    ]
    groups = _group("denied", "不予公开", _P3, _DENIED)
    groups += _group("unable", "无法提供", _P4, _UNABLE)
    groups += _group("not_processed", "不予处理", _P5, _NOT_PROCESSED)
    if version == "2019":
        groups.append(_req("other", "（六）其他处理", "其他处理", _P6, role="leaf"))
    else:
        other = _group("other", "其他处理", _P6, _OTHER_2021)
        # "3.其他" alone would match any 其他; its number is required.
        other[-1] = Row(**{**other[-1].__dict__, "prefix_required": True})
        groups += other
    tail = [
        Row("total_processed", "（七）总计", ("总计",), prefix=_P7, prefix_required=True, columns=REQUEST_COLUMNS, role="total"),
        _req("carried_forward", "四、结转下年度继续办理", "结转下年度继续办理", r"四\s*[、.．]", role="flow"),
    ]
    return tuple(head + groups + tail)


def _request_anchors(version: Version) -> tuple[Anchor, ...]:
    anchors = [Anchor("outcomes", "三、本年度办理结果", ("本年度办理结果",), r"三\s*[、.．]", "granted")]
    for name, label, number, prefix, children in (
        ("denied", "不予公开", "三", _P3, _DENIED),
        ("unable", "无法提供", "四", _P4, _UNABLE),
        ("not_processed", "不予处理", "五", _P5, _NOT_PROCESSED),
    ):
        anchors.append(Anchor(name, f"（{number}）{label}", (label,), prefix, children[0][0]))
    if version == "2021":
        anchors.append(Anchor("other", "（六）其他处理", ("其他处理",), _P6, _OTHER_2021[0][0]))
    return tuple(anchors)


_REQUESTS_HEADING = r"三\s*[、.．]\s*收到和处理政府信息公开申请(?:情况)?"


def _requests(version: Version) -> Table:
    return Table(
        "requests",
        "收到和处理政府信息公开申请情况",
        _REQUESTS_HEADING,
        _request_rows(version),
        _request_anchors(version),
        header=_spread("申请人情况", "本年新收政府信息公开申请数量"),
    )


# ---- Table 四: 行政复议、行政诉讼 ----------------------------------------------------------

APPEAL_OUTCOMES: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
APPEALS = Table(
    "appeals",
    "政府信息公开行政复议、行政诉讼情况",
    r"四\s*[、.．]\s*(?:因)?(?:政府信息公开)?(?:工作|申请)?(?:被申请)?\s*行政复议",
    header=_spread("结果维持"),
    one_printed_row=True,
    rows=(
        Row("review", "行政复议", ("行政复议",), columns=APPEAL_OUTCOMES),
        Row("suit_direct", "行政诉讼 未经复议直接起诉", ("未经复议直接起诉",), columns=APPEAL_OUTCOMES),
        Row("suit_after_review", "行政诉讼 复议后起诉", ("复议后起诉",), columns=APPEAL_OUTCOMES),
    ),
)


@dataclass(frozen=True)
class MoneyBound:
    """Where an amount printed without a unit, read as 万元, stops being believable:
    per item of ``per`` when given (万元 per procurement project), else in all."""

    key: str
    low: float
    high: float
    per: str | None = None


#: An amount outside these bounds under an assumed 万元 is an error: more likely 元.
MONEY_BOUNDS = (
    MoneyBound("active.procurement.amount_wan", 0.01, 20_000, per="active.procurement.projects"),
    MoneyBound("active.procurement.amount_wan", 0, 10_000_000),
)

#: The heading of part 五, which closes table 四.
END_HEADING = r"五\s*[、.．]\s*(?:政府信息公开工作)?(?:存在的?)?(?:主要)?问题"

# ---- Version detection ----------------------------------------------------------------

VERSION_MARKERS: dict[Version, tuple[str, ...]] = {
    "2019": (
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "采购项目数量",
        "采购总金额",
        "其他对外管理服务事项",
    ),
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "逾期未按收费通知"),
}


#: Unit words a report may print after a number in its cell (251000 元, 12 件).
COUNT_UNITS = ("件", "项", "个", "条", "次", "人", "宗", "起")
MONEY_UNITS = ("万元", "亿元", "元", "万")
UNIT_WORDS = frozenset((*COUNT_UNITS, *MONEY_UNITS))

#: Each table as a reader names it: its number in the template and its title.
TABLE_NAMES = {
    "active": "表二（主动公开政府信息情况）",
    "requests": "表三（收到和处理政府信息公开申请情况）",
    "appeals": "表四（行政复议、行政诉讼情况）",
}

#: The tables' part headings as the template prints them (the patterns above accept variants).
PRINTED_HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")

#: The issues that say a table of the report is missing, unreadable or cut off.
INCOMPLETE_RULES = ("missing_table", "table_unreadable", "table_cut_off")


@cache
def tables(version: Version) -> tuple[Table, Table, Table]:
    """The three tables of a template version, in report order."""
    active = ACTIVE_2019 if version == "2019" else ACTIVE_2021
    return (active, _requests(version), APPEALS)


@dataclass(frozen=True)
class CellSpec:
    key: str
    table: Table
    row: Row
    column: Column

    @property
    def label(self) -> str:
        """The Chinese label a reader of the report recognises: 表｜行｜列."""
        return f"{self.table.label}｜{self.row.label}｜{self.column.label}"


def row_columns(row: Row, with_org_subtotal: bool = False) -> tuple[Column, ...]:
    """The columns of a row; table 三 gains 小计 before 总计 in the local variant."""
    if with_org_subtotal and row.columns == REQUEST_COLUMNS:
        return (*REQUEST_COLUMNS[:-1], ORG_SUBTOTAL, REQUEST_COLUMNS[-1])
    return row.columns


T = TypeVar("T")


def per_table(make: Callable[[Table], T]) -> Callable[[Table], T]:
    """``make``'s answer kept per table, by the table's identity (each entry holds its
    table, so an id stays that table's): hashing a table, every row and column, costs
    more than the answers it would look up. The template's tables live as long as the
    process."""
    kept: dict[int, tuple[Table, T]] = {}

    def answer(table: Table) -> T:
        entry = kept.get(id(table))
        if entry is None or entry[0] is not table:
            entry = kept[id(table)] = (table, make(table))
        return entry[1]

    return answer


@per_table
def row_cells(table: Table) -> dict[tuple[str, bool], tuple[tuple[str, ...], tuple[CellKind, ...]]]:
    """Each row's cell keys and their kinds, by the row's key and whether the table has
    the local variant's 小计 column: asked for every row of every report."""
    return {
        (row.key, local): (
            tuple(f"{table.key}.{row.key}.{col.key}" for col in row_columns(row, local)),
            tuple(col.kind for col in row_columns(row, local)),
        )
        for row in table.rows
        for local in (False, True)
    }


@cache
def cell_specs(version: Version, optional: bool = False) -> tuple[CellSpec, ...]:
    """Every cell of a version in report order; ``optional`` adds the local-variant cells."""
    specs = []
    for table in tables(version):
        for row in table.rows:
            if row.optional and not optional:
                continue
            for column in row_columns(row, optional):
                specs.append(CellSpec(f"{table.key}.{row.key}.{column.key}", table, row, column))
    return tuple(specs)


@cache
@cache
def version_keys(version: Version) -> frozenset[str]:
    """Every key a report in this version may have (the local variant's too)."""
    return frozenset(spec.key for spec in cell_specs(version, optional=True))


def all_keys() -> tuple[str, ...]:
    """Every key of both versions (national cells first, local-variant cells last)."""
    keys: dict[str, None] = {}
    for optional in (False, True):
        for version in VERSIONS:
            keys.update((spec.key, None) for spec in cell_specs(version, optional))
    return tuple(keys)


#: Table 三's six outcomes in print order, in the template's words.
OUTCOME_LABELS = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}


@cache
def outcome_leaves() -> dict[str, tuple[str, ...]]:
    """Each outcome's leaf rows' 总计 keys, over both versions (2019's 其他处理 is one row,
    2021's has three): what an outcome's count is the sum of."""
    leaves: dict[str, list[str]] = {name: [] for name in OUTCOME_LABELS}
    for version in ("2019", "2021"):
        for row in tables(version)[1].rows:
            group = row.group or row.key
            key = f"requests.{row.key}.total"
            if row.role == "leaf" and group in leaves and key not in leaves[group]:
                leaves[group].append(key)
    return {name: tuple(keys) for name, keys in leaves.items()}


@cache
def label_cores() -> tuple[str, ...]:
    """Every phrase a row or group label is recognised by, in either version, longest first."""
    cores = {core for version in ("2019", "2021") for table in tables(version) for row in table.rows for core in row.cores}
    cores |= {core for version in ("2019", "2021") for table in tables(version) for a in table.anchors for core in a.cores}
    return tuple(sorted(cores, key=lambda core: (-len(core), core)))


@cache
def spec_by_key() -> dict[str, CellSpec]:
    found: dict[str, CellSpec] = {}
    for version in reversed(VERSIONS):  # 2021 labels win where a key exists in both
        for spec in cell_specs(version, optional=True):
            found.setdefault(spec.key, spec)
    return found


def label_for(key: str) -> str:
    """The Chinese label of a key, or the key itself for rows the template lacks."""
    spec = spec_by_key().get(key)
    return spec.label if spec else key


def key_named(text: str) -> str | None:
    """The key of the cell ``text`` names, by its key or by its label (labels are unique
    across the template's cells); None when it names none (a link's typo, say)."""
    return text if text in spec_by_key() else _key_by_label().get(text)


@cache
def _key_by_label() -> dict[str, str]:
    return {spec.label: key for key, spec in spec_by_key().items()}


#: The text of the first header cell of each of table 二's blocks.
ACTIVE_HEADER_FIRST = "信息内容"


@cache
def _part_labels() -> dict[str, str]:
    """Row and column keys to their printed labels, over both versions."""
    labels: dict[str, str] = {}
    for spec in spec_by_key().values():
        labels.setdefault(spec.row.key, spec.row.label)
        labels.setdefault(spec.column.key, spec.column.label)
    return labels


def subject_label(subject: str) -> str:
    """A check's subject (a row, a column, or group.column) in the report's own words."""
    if subject == "*":
        return "全部单元格"
    labels = _part_labels()
    group, _, column = subject.rpartition(".")
    if group:
        return f"{labels.get(group + '_subtotal', group)}｜{labels.get(column, column)}"
    return labels.get(subject, subject)
