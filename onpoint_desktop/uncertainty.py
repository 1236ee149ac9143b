"""How sure a score is (SPEC §13): 90% intervals from an analytic standard error.

A role's sub-score is a mean of item means, so its variance is the sum over item pairs of
the covariance of their means, Cov(ȳⱼ, ȳₖ) = nⱼₖ·sⱼₖ / (nⱼ·nₖ) (sⱼₖ the sample covariance
of the nⱼₖ respondents who answered both; exact under pairwise deletion). A component and
the total are fixed linear combinations of those sub-scores, so their variances follow
from the same covariances. Roles are independent samples; expert ratings are fixed.
The scoring module (``scoring.compute``) puts these together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.survey_aggregates import RoleAggregate, SurveyAggregates

Z90 = 1.6448536269514722  # the standard normal's 95th percentile: a two-sided 90% interval


def interval(
    value: float | None, se: float | None, low: float, high: float
) -> tuple[float, float] | None:
    """The 90% interval value ± 1.645 standard errors, kept within [low, high]; None when
    there is no value or its standard error is unknown."""
    if value is None or se is None:
        return None
    return max(low, value - Z90 * se), min(high, value + Z90 * se)


def role_covariances(
    model: ScoringModel, role: str, agg: RoleAggregate
) -> Mapping[tuple[str, str], float] | None:
    """(c, d) → the covariance of the role's sub-scores S_c,r and S_d,r (0–1 units, both
    orders; c = d: the variance), from the item-pair aggregates (see the module
    docstring). None when the role has answers but no pair aggregates (none are known)."""
    if not agg.pairs:
        return None if agg.items else {}
    instrument = model.instruments[role]
    scale = float(instrument.scale_max - instrument.scale_min)
    used: dict[str, list[tuple[str, float, int]]] = {}
    for comp in model.components:
        found = []
        for item in model.items_of(role, comp.id):
            stat = agg.items.get(item.id)
            if stat and stat.n:
                found.append((item.id, -1.0 if item.reverse else 1.0, stat.n))
        if found:
            used[comp.id] = found
    out: dict[tuple[str, str], float] = {}
    ids = list(used)
    for x, c in enumerate(ids):
        for d in ids[x:]:
            total = 0.0
            for j, sign_j, n_j in used[c]:
                for k, sign_k, n_k in used[d]:
                    pair = agg.pairs.get((j, k) if j <= k else (k, j))
                    if pair is not None and pair.n >= 2:
                        total += sign_j * sign_k * pair.n * pair.covariance() / (n_j * n_k)
            out[c, d] = out[d, c] = total / (len(used[c]) * len(used[d]) * scale * scale)
    return out


def covariances_of(
    model: ScoringModel, survey: SurveyAggregates, role: str
) -> Mapping[tuple[str, str], float] | None:
    key = (model.id, model.version, role)
    if key not in survey._covariances:
        survey._covariances[key] = role_covariances(model, role, survey.role(role))
    return survey._covariances[key]


def nonneg_sqrt(variance: float) -> float:
    return math.sqrt(max(0.0, variance))  # a rounding error never makes a variance negative


def role_subscore_se(
    covariance: Mapping[tuple[str, str], float] | None, component_id: str, value: float | None
) -> float | None:
    """The standard error of S_c,r: None when the sub-score is not used or unknown."""
    if value is None or covariance is None:
        return None
    return nonneg_sqrt(covariance.get((component_id, component_id), 0.0))


def combined_se(weights: Mapping[str, float], role_se: Mapping[str, float | None]) -> float | None:
    """The standard error of Σ weight·S_c,r over independent roles; None when a role's is
    unknown, or when no role is used."""
    if not weights:
        return None
    if any(role_se.get(r) is None for r in weights):
        return None
    return nonneg_sqrt(sum((w * role_se[r]) ** 2 for r, w in weights.items()))  # type: ignore[operator]


def total_se_of(
    model: ScoringModel,
    coefficients: Mapping[str, Mapping[str, float]],
    covariances: Mapping[str, Mapping[tuple[str, str], float] | None],
    weights: float,
) -> float | None:
    """The total's standard error (score scale): within each role, the covariance of the
    component sub-scores it enters through; roles independent; expert parts fixed."""
    variance = 0.0
    for role in model.role_weights:
        terms = [
            (c.id, c.weight / weights * coefficients[c.id][role])
            for c in model.components
            if role in coefficients.get(c.id, {})
        ]
        if not terms:
            continue
        cov = covariances[role]
        if cov is None:
            return None
        variance += sum(a * b * cov.get((c, d), 0.0) for c, a in terms for d, b in terms)
    return (model.score_max - model.score_min) * nonneg_sqrt(variance)
