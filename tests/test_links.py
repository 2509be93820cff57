"""Links to one report: the label names the agency and year, and the URL quotes it as urllib does."""

from urllib.parse import quote, unquote

import pytest

from dashboard.links import label_named, quoted, report_label, report_url

NAMES = ["株洲市审计局", "平潭综合实验区 管委会", "A/B_c.d~e-f", "局（办）#1&2=3?", "100%", "emoji 😀", "", "Ω≈ç√"]


@pytest.mark.parametrize("text", NAMES)
def test_quoted_is_urllib_quote(text: str) -> None:
    assert quoted(text) == quote(text)


@pytest.mark.parametrize("agency", [n for n in NAMES if n])
def test_a_label_names_its_agency_and_year(agency: str) -> None:
    assert label_named(report_label(agency, 2021)) == (agency, 2021)
    assert unquote(report_url(agency, 2021).split("=", 1)[1]) == report_label(agency, 2021)


@pytest.mark.parametrize("text", ["株洲市审计局", "株洲市审计局 2021", "株洲市审计局 年", " 2021年", "2021年"])
def test_other_text_names_no_report(text: str) -> None:
    assert label_named(text) is None


@pytest.mark.parametrize("agency", NAMES)
@pytest.mark.parametrize("year", [2019, 2025.0])
def test_a_report_url_quotes_its_whole_label(agency: str, year: float) -> None:
    """The name is quoted once and cached; the link is the whole label quoted, as before."""
    assert report_url(agency, year) == f"/report?report={quote(report_label(agency, int(year)))}"  # type: ignore[arg-type]
    assert report_url(agency, year) == f"/report?report={quote(report_label(agency, int(year)))}"  # cached  # type: ignore[arg-type]
