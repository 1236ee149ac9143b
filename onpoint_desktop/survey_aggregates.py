"""Survey aggregates: what the live score reads instead of the responses (SPEC §1.5, §13).

Per role and item, the count and raw sum of valid answers; per role and component, the
respondents with at least one valid answer; per role and pair of items, the sums a
covariance needs. The workspace keeps them in the same transaction as the responses, so a
score never rescans responses however many there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class ItemStat:
    """Valid answers to one item: how many, and their raw (not reverse-coded) sum."""

    n: int
    total: float


class PairStat(NamedTuple):
    """Respondents who answered both of two items (a ≤ b; a = b for one item alone): how
    many, and the raw sums a covariance needs (Σab, Σa, Σb over those respondents). A
    tuple: a round holds a few hundred of them, made each time HQ scores it."""

    n: int
    sum_ab: float
    sum_a: float
    sum_b: float

    def covariance(self) -> float:
        """The sample covariance of the two items' raw answers (their variance when a = b);
        0 below two respondents."""
        if self.n < 2:
            return 0.0
        return (self.sum_ab - self.sum_a * self.sum_b / self.n) / (self.n - 1)


@dataclass(frozen=True)
class RoleAggregate:
    items: Mapping[str, ItemStat] = field(default_factory=dict)
    component_n: Mapping[str, int] = field(default_factory=dict)
    pairs: Mapping[tuple[str, str], PairStat] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyAggregates:
    """Survey aggregates of one round (or of one school within it), per role."""

    roles: Mapping[str, RoleAggregate] = field(default_factory=dict)
    # (model id, version, role) → the role's sub-score covariances (``role_covariances``),
    # computed once per aggregates: a rating change never recomputes them.
    _covariances: dict[tuple[str, int, str], Mapping[tuple[str, str], float] | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def role(self, role: str) -> RoleAggregate:
        return self.roles.get(role) or RoleAggregate()

    def respondents(self, role: str) -> int:
        """Respondents of a role with at least one valid answer to any item."""
        agg = self.roles.get(role)
        return agg.component_n.get("*", 0) if agg else 0


NO_SURVEYS = SurveyAggregates()
