"""The DuckDB warehouse: the one package that knows the SQL schema.

``schema`` owns the tables and their upgrades; ``publish`` builds a new version beside the
live file and publishes it; ``access`` opens it for readers; ``rows`` turns a parsed report
into its rows and ``store`` saves them; ``agencies`` keeps one identity per agency;
``cross_year`` checks an agency's years against each other; ``wide`` keeps the table of one
row per report the dashboard asks.
"""

from etl.warehouse.access import connect_readonly, frame_via_arrow, needs_upgrade, reading
from etl.warehouse.agencies import agency_table, apply_agency_overrides, name_report, refresh_agencies
from etl.warehouse.cross_year import refresh_cross_year_checks
from etl.warehouse.publish import DiskFullError, building
from etl.warehouse.schema import SCHEMA_VERSION, WarehouseError, schema_version
from etl.warehouse.store import (
    WIDE_META_COLUMNS,
    LoadedContents,
    loaded_digests,
    loaded_reports_for_shas,
    log_ingest,
    save_reports,
    wide_cells,
)

__all__ = [
    "SCHEMA_VERSION",
    "WIDE_META_COLUMNS",
    "DiskFullError",
    "LoadedContents",
    "WarehouseError",
    "agency_table",
    "apply_agency_overrides",
    "building",
    "connect_readonly",
    "frame_via_arrow",
    "reading",
    "loaded_digests",
    "loaded_reports_for_shas",
    "log_ingest",
    "name_report",
    "needs_upgrade",
    "refresh_cross_year_checks",
    "refresh_agencies",
    "save_reports",
    "schema_version",
    "wide_cells",
]
