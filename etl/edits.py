"""What a user changes in a warehouse, from the command line or the dashboard alike: the
CLI and the pages call these, so a change is made, checked and published one way."""

from __future__ import annotations

from pathlib import Path

from etl.audit import refresh_findings
from etl.warehouse import building, name_report, needs_upgrade, refresh_cross_year_checks


def rename_report_agency(db: Path, report_id: int, agency: str) -> None:
    """Name the agency of a report (one flagged 待命名, or one named wrongly); its checks
    across years are redone, since it now sits in another agency's run of years.
    Raises LookupError for a report the warehouse does not have."""
    with building(db) as connection:
        name_report(connection, report_id, agency)
        refresh_cross_year_checks(connection)
        refresh_findings(connection)


def upgrade(db: Path) -> bool:
    """Bring a warehouse written by an older version up to this schema, in a copy that is
    published when done; False when it was up to date already."""
    if not needs_upgrade(db):
        return False
    with building(db):
        pass  # opening the building copy runs the upgrade steps
    return True
