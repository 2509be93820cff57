"""The annual review (年报审查): what a 政务公开 office checks in every report of its area."""

from etl.audit.finding import SEVERITIES, Finding
from etl.audit.rules import RULE_TITLES, RULES
from etl.audit.run import audit_findings, refresh_findings

__all__ = ["RULES", "RULE_TITLES", "SEVERITIES", "Finding", "audit_findings", "refresh_findings"]
