"""Response rates: how many of those invited answered a round's surveys (SPEC §8).

The one rule, for the CLI, the score panel and the report: a role's rate is its
respondents (people who answered at least one item) over the number invited; it is
unknown (None) when no invited number was recorded. Under 50% is flagged "low response":
shown, never suppressed. District-wide, the number invited is the one recorded for the
district, else the sum of those recorded per school. Per school, a rate is shown only
where the school's respondents are (the per-school breakdown hides small groups, and a
rate would give their number away).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOW_RESPONSE = 0.5
LOW_WORDS = "low response"


@dataclass(frozen=True)
class RoleRate:
    """One role's response rate (district-wide or in one school)."""

    role: str
    respondents: int | None  # None: hidden (too few to show)
    invited: int | None  # None: not recorded

    @property
    def rate(self) -> float | None:
        if not self.invited or self.respondents is None:
            return None
        return self.respondents / self.invited

    @property
    def low(self) -> bool:
        return self.rate is not None and self.rate < LOW_RESPONSE

    def phrase(self, noun: str) -> str:
        """ "teachers 62% (40 of 65)", "leaders 38% (8 of 21), low response"."""
        if self.rate is None:
            return f"{noun}: number invited not recorded"
        text = f"{noun} {self.rate:.0%} ({self.respondents:,} of {self.invited:,})"
        return f"{text}, {LOW_WORDS}" if self.low else text

    def cell(self) -> str:
        """The rate in a table cell of schools: "62%", "38% low", "hidden" (its count is
        hidden, and the rate would give it away) or "—" (number invited not recorded).

        >>> RoleRate("teacher", 8, 21).cell(), RoleRate("leader", None, 4).cell()
        ('38% low', 'hidden')
        """
        if not self.invited:
            return "—"
        if self.respondents is None:
            return "hidden"
        return f"{self.rate:.0%}" + (" low" if self.low else "")


@dataclass(frozen=True)
class ResponseRates:
    """A round's response rates per role, district-wide and per school."""

    round_id: str
    roles: dict[str, RoleRate]
    schools: dict[str, dict[str, RoleRate]] = field(default_factory=dict)

    def rate(self, role: str) -> float | None:
        found = self.roles.get(role)
        return found.rate if found else None

    @property
    def known(self) -> bool:
        return any(r.invited for r in self.roles.values())

    @property
    def low(self) -> list[str]:
        """Roles whose district-wide rate is under 50%."""
        return [role for role, r in self.roles.items() if r.low]

    def to_json(self) -> dict[str, float | None]:
        """``response_rate_teacher``, ``response_rate_leader`` (0–1, or null when unknown)."""
        return {
            f"response_rate_{role}": None if r.rate is None else round(r.rate, 4)
            for role, r in self.roles.items()
        }

    def sentence(self) -> str:
        """ "Response rate: teachers 62% (40 of 65); leaders 38% (8 of 21), low response." """
        if not self.known:
            return ""
        parts = [r.phrase(_plural(role)) for role, r in self.roles.items()]
        return "Response rate: " + "; ".join(parts) + "."


def _plural(role: str) -> str:
    return f"{role}s"


def response_rates(ws, round_id: str) -> ResponseRates:
    """The response rates of a round of workspace ``ws``."""
    roles = list(ws.survey_model(round_id).role_weights)
    invited = ws.invitations(round_id)
    counts = ws.respondent_counts(round_id)
    by_school: dict[str, dict[str, int]] = {}
    for (role, school), n in invited.items():
        if school:
            by_school.setdefault(school, {})[role] = n
    district = {}
    for role in roles:
        total = invited.get((role, ""))
        if total is None:
            total = sum(n.get(role, 0) for n in by_school.values()) or None
        district[role] = RoleRate(role, counts.get(role, 0), total)
    schools: dict[str, dict[str, RoleRate]] = {}
    if by_school:
        breakdown = ws.school_breakdown(round_id)
        for school, numbers in sorted(by_school.items()):
            shown = breakdown.respondents.get(school)  # None: no respondent named it
            schools[school] = {
                role: RoleRate(role, shown.get(role) if shown else 0, numbers.get(role))
                for role in roles
            }
    return ResponseRates(round_id, district, schools)
