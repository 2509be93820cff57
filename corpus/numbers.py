"""Plausible report numbers that satisfy every identity of the template.

Most departments receive a handful of requests or none; a city government thousands.
Enforcement counts follow the size of the place. Last year's carried_forward becomes
this year's carried_over, so cross-year checks hold on generated runs of reports.
"""

from __future__ import annotations

import random

from etl.template import APPLICANT_COLUMN_KEYS, ORG_COLUMN_KEYS, Version, row_columns, tables

# Relative weights of the outcome rows: most requests are granted or not held.
_OUTCOME_WEIGHTS = {
    "granted": 40,
    "partially_granted": 6,
    "denied_state_secret": 0.3,
    "denied_prohibited_by_law": 0.5,
    "denied_security_stability": 0.3,
    "denied_third_party": 1.5,
    "denied_internal_affairs": 1.5,
    "denied_process_info": 2,
    "denied_enforcement_files": 1,
    "denied_inquiry": 2,
    "unable_not_held": 25,
    "unable_needs_creation": 4,
    "unable_unclear": 2,
    "not_processed_petition": 3,
    "not_processed_duplicate": 2,
    "not_processed_publication": 0.5,
    "not_processed_excessive": 0.5,
    "not_processed_confirmation": 0.5,
    "other": 3,
    "other_no_correction": 1.5,
    "other_unpaid_fee": 0.2,
    "other_other": 1.5,
}
_APPLICANT_WEIGHTS = {
    "natural_person": 85,
    "commercial": 9,
    "research": 0.5,
    "social_org": 0.5,
    "legal_service": 2,
    "other_org": 3,
}


def _split(total: int, weights: dict[str, float], rng: random.Random) -> dict[str, int]:
    """Share a whole number among keys at random, in proportion to the weights."""
    keys = list(weights)
    counts = dict.fromkeys(keys, 0)
    if total <= 0:
        return counts
    chosen = rng.choices(keys, weights=[weights[k] for k in keys], k=min(total, 400))
    for key in chosen:
        counts[key] += 1
    if total > 400:  # scale up large totals, keeping the sum exact
        scaled = {key: counts[key] * total // 400 for key in keys}
        scaled[max(keys, key=lambda k: counts[k])] += total - sum(scaled.values())
        counts = scaled
    return counts


def request_cells(
    version: Version, received: int, carried_over: dict[str, int], rng: random.Random, with_org_subtotal: bool, subtotals: bool
) -> dict[str, int]:
    requests = tables(version)[1]
    leaves = [row.key for row in requests.rows if row.role == "leaf"]
    new = _split(received, _APPLICANT_WEIGHTS, rng)
    table: dict[str, dict[str, int]] = {row.key: {} for row in requests.rows}
    for column in APPLICANT_COLUMN_KEYS:
        available = new[column] + carried_over.get(column, 0)
        forward = rng.randint(0, max(0, available // 15)) if available else 0
        processed = available - forward
        outcome = _split(processed, {leaf: _OUTCOME_WEIGHTS[leaf] for leaf in leaves}, rng)
        table["new_received"][column] = new[column]
        table["carried_over"][column] = carried_over.get(column, 0)
        table["carried_forward"][column] = forward
        table["total_processed"][column] = processed
        for leaf in leaves:
            table[leaf][column] = outcome[leaf]
        for row in requests.rows:
            if row.role == "subtotal":
                table[row.key][column] = sum(
                    table[r.key][column] for r in requests.rows if r.group == row.group and r.role == "leaf"
                )
    cells: dict[str, int] = {}
    for row in requests.rows:
        if row.optional and not subtotals:
            continue
        values = table[row.key]
        values["total"] = sum(values[c] for c in APPLICANT_COLUMN_KEYS)
        if with_org_subtotal:
            values["org_subtotal"] = sum(values[c] for c in ORG_COLUMN_KEYS)
        for column in row_columns(row, with_org_subtotal):
            cells[f"requests.{row.key}.{column.key}"] = values[column.key]
    return cells


def appeal_cells(size: float, rng: random.Random) -> dict[str, int]:
    cells: dict[str, int] = {}
    for group, share in (("review", 1.0), ("suit_direct", 0.5), ("suit_after_review", 0.3)):
        parts = [int(rng.expovariate(1 / max(size * share * weight, 0.01))) for weight in (0.5, 0.15, 0.2, 0.1)]
        for name, value in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            cells[f"appeals.{group}.{name}"] = value
        cells[f"appeals.{group}.total"] = sum(parts)
    return cells


def active_cells(version: Version, size: float, in_force: dict[str, int], rng: random.Random) -> dict[str, int | float]:
    """Table 二; ``in_force`` carries 现行有效件数 from year to year (updated in place)."""
    cells: dict[str, int | float] = {}
    for row in ("regulations", "normative_docs"):
        made = int(rng.expovariate(1 / max(size * (0.3 if row == "regulations" else 3), 0.05)))
        if version == "2019":
            published = made
            total = in_force.get(row, made * 4) + made
            in_force[row] = total
            cells.update(
                {f"active.{row}.made": made, f"active.{row}.published": published, f"active.{row}.total_published": total}
            )
        else:
            previous = in_force.get(row, made * 5)
            repealed = min(previous, int(rng.expovariate(1 / max(size * 0.5, 0.05))))
            current = previous + made - repealed
            in_force[row] = current
            cells.update({f"active.{row}.made": made, f"active.{row}.repealed": repealed, f"active.{row}.in_force": current})
    scale = {"licensing": 400, "other_services": 150, "penalty": 300, "coercion": 20}
    for row, factor in scale.items():
        decisions = int(rng.expovariate(1 / max(size * factor, 0.05)))
        if version == "2019":
            previous = int(rng.expovariate(1 / max(size * 5, 0.1)))
            cells.update(
                {
                    f"active.{row}.prev_items": previous,
                    f"active.{row}.change": rng.randint(-min(previous, 3), 3),
                    f"active.{row}.decisions": decisions,
                }
            )
        elif row != "other_services":
            cells[f"active.{row}.decisions"] = decisions
    if version == "2019":
        fees_previous = int(rng.expovariate(1 / max(size * 2, 0.1)))
        cells.update({"active.fees.prev_items": fees_previous, "active.fees.change": rng.randint(-min(fees_previous, 2), 2)})
        projects = int(rng.expovariate(1 / max(size * 20, 0.1)))
        cells["active.procurement.projects"] = projects
        cells["active.procurement.amount_wan"] = round(projects * rng.uniform(3, 80), 2) if projects else 0
    else:
        cells["active.fees.amount_wan"] = round(rng.expovariate(1 / max(size * 50, 0.1)), 2) if rng.random() < 0.6 else 0
    return cells
