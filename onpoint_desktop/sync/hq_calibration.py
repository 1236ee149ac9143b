"""Do two consultants rate the same evidence the same way? (SPEC §13, calibration)

Where two or more consultants (signers) rated the same district and round, each one's
level of a focus area is their own latest event for it (``signer_latest_levels``: across
their copies of the workspace); every pair of consultants is compared over the areas both
rated there, pooled across the district-rounds they share:

- *exact*: the share of those areas rated the same level;
- *within one*: the share rated at most one level apart;
- *quadratic-weighted kappa* (Cohen 1968): 1 − Σ w·O / Σ w·E over the framework's levels,
  O the observed table of level pairs, E the table expected by chance from each rater's
  own mix of levels, w = (i − j)² / (k − 1)². 1 is perfect agreement, 0 what chance gives.
  It is not given (None) on fewer than two areas, nor when chance agreement is already
  perfect (both rated every area alike, all at one level): a kappa there says nothing.

A pair with κ ≥ ``CALIBRATED`` (0.70) agrees as calibrated raters should. The areas where
pairs disagree most (mean absolute difference of levels) are named, for HQ's training.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onpoint_desktop.sync.hq_store import HQStore

CALIBRATED = 0.70


def calibrated(kappa: float | None) -> bool | None:
    """Whether a weighted kappa is that of calibrated raters (None: no kappa to say)."""
    return None if kappa is None else kappa >= CALIBRATED


def quadratic_weighted_kappa(pairs: Sequence[tuple[int, int]], low: int, high: int) -> float | None:
    """Cohen's quadratic-weighted kappa of (rater A, rater B) level pairs on the scale
    ``low``..``high``; None on fewer than two pairs or when chance agreement is perfect.

    >>> round(quadratic_weighted_kappa(list(zip([9, 7, 8, 7, 6, 8, 3, 5, 10],
    ...     [8, 8, 6, 6, 7, 6, 1, 4, 8])), 1, 10), 6)
    0.758621
    """
    if len(pairs) < 2:
        return None
    k = high - low + 1
    observed = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        observed[a - low][b - low] += 1
    n = float(len(pairs))
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    weight = max((k - 1) ** 2, 1)
    seen = chance = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / weight
            seen += w * observed[i][j]
            chance += w * rows[i] * cols[j] / n
    if chance == 0:
        return None
    return 1 - seen / chance


@dataclass(frozen=True, kw_only=True)
class Figures:
    """How one set of levels agrees with another over the areas both rated: a pair of
    consultants (:class:`Agreement`), or a consultant and a case's anchor (``CaseRater``)."""

    areas: int
    exact: float  # share, 0–1
    within_one: float
    kappa: float | None
    widest: tuple[tuple[str, float], ...]  # (area id, mean absolute difference), widest first

    @property
    def calibrated(self) -> bool | None:
        return calibrated(self.kappa)

    def figures_json(self) -> dict[str, Any]:
        """How the JSON of ``hq calibration`` gives the figures."""
        return {
            "areas": self.areas,
            "exact": round(self.exact, 4),
            "within_one": round(self.within_one, 4),
            "kappa": None if self.kappa is None else round(self.kappa, 4),
            "calibrated": self.calibrated,
            "widest_disagreement": [
                {"area": a, "mean_difference": round(d, 3)} for a, d in self.widest
            ],
        }


@dataclass(frozen=True)
class Agreement(Figures):
    """How two consultants' levels compare over the areas both rated."""

    signer_a: str
    name_a: str
    signer_b: str
    name_b: str
    rounds: tuple[tuple[str, str, str], ...]  # (district uuid, district name, round id)

    def to_json(self) -> dict[str, Any]:
        return {
            "consultants": [
                {"fingerprint": self.signer_a, "name": self.name_a},
                {"fingerprint": self.signer_b, "name": self.name_b},
            ],
            "rounds": [{"district": d, "name": n, "round": r} for d, n, r in self.rounds],
            **self.figures_json(),
        }


def agreement(pairs: Sequence[tuple[str, int, int]], low: int, high: int) -> Figures:
    """The :class:`Figures` of (area, a, b) triples: how many, exact share, within-one
    share, kappa and the widest areas."""
    n = len(pairs)
    exact = sum(a == b for _, a, b in pairs) / n
    within = sum(abs(a - b) <= 1 for _, a, b in pairs) / n
    kappa = quadratic_weighted_kappa([(a, b) for _, a, b in pairs], low, high)
    gaps: dict[str, list[int]] = defaultdict(list)
    for area, a, b in pairs:
        gaps[area].append(abs(a - b))
    widest = sorted(
        ((area, sum(g) / len(g)) for area, g in gaps.items() if any(g)),
        key=lambda item: (-item[1], item[0]),
    )
    return Figures(areas=n, exact=exact, within_one=within, kappa=kappa, widest=tuple(widest[:5]))


def consultant_agreement(hq: HQStore) -> list[Agreement]:
    """Every pair of consultants who rated a district-round both rated, by name."""
    conn = hq.conn
    fw = hq.models.framework
    # Only a district two signers sent bundles of can have a round both rated: its rounds
    # are looked at alone (grouping a national store's million events takes seconds).
    shared = [
        row
        for (district,) in conn.execute(
            "SELECT district_uuid FROM merged_bundles GROUP BY district_uuid "
            "HAVING count(DISTINCT signer) > 1 ORDER BY district_uuid"
        )
        for row in conn.execute(
            "SELECT district_uuid, round_id FROM rating_events WHERE district_uuid = ? "
            "GROUP BY round_id HAVING count(DISTINCT signer) > 1 ORDER BY round_id",
            (district,),
        )
    ]
    names = dict(conn.execute("SELECT fingerprint, name FROM signer_keys"))
    districts = dict(conn.execute("SELECT uuid, name FROM districts"))
    found: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    rounds: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for district, round_id in shared:
        levels: dict[str, dict[str, int]] = defaultdict(dict)
        for signer, area, level in conn.execute(
            "SELECT signer, area_id, level FROM signer_latest_levels "
            "WHERE district_uuid = ? AND round_id = ? AND level IS NOT NULL",
            (district, round_id),
        ):
            levels[signer][area] = level
        signers = sorted(levels)
        for x, a in enumerate(signers):
            for b in signers[x + 1 :]:
                common = [area for area in fw.areas if area in levels[a] and area in levels[b]]
                if not common:
                    continue
                found[a, b] += [(area, levels[a][area], levels[b][area]) for area in common]
                rounds[a, b].append((district, districts.get(district, ""), round_id))
    out = []
    for (a, b), pairs in found.items():
        out.append(
            Agreement(
                a,
                names.get(a, a[:12]),
                b,
                names.get(b, b[:12]),
                tuple(rounds[a, b]),
                **vars(agreement(pairs, 1, fw.max_level)),
            )
        )
    return sorted(out, key=lambda g: (g.name_a.casefold(), g.name_b.casefold(), g.signer_a))
