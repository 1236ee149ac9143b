"""The second scoring model (``tests/fixtures/models/pilot-2``) and one round worked by hand.

pilot-2 differs from onpoint-1 in every way a published model can: expert weight 0.4
(0.5), role weights teacher 0.5 / leader 0.5 (0.6 / 0.4), ``min_n`` 3 (5), component
weights (Strategy Communication 2, the renamed component 3, others 1), the component
``operations`` renamed ``infrastructure`` ("Infrastructure & Operations"), item T06 moved
from Culture of Innovation to Professional Learning, its own instruments, recommendation
set and benchmark.

The round below (stage year1), computed by hand (SPEC §1.5 with pilot-2's numbers):

- Culture of Innovation: E = (4−1)/3 = 1. Teachers (T04, T05, T07; T06 moved out): item
  means 4, 4 and 6−2 = 4 → 0.75 each, S_t = 0.75 (n 3 ≥ min_n 3). Leaders: L03 mean 14/3
  → 11/12, L04 mean 4 → 0.75, S_l = 5/6. S = 0.5·0.75 + 0.5·5/6 = 19/24.
  C = 0.4·1 + 0.6·19/24 = 0.875 → 900.
- Professional Learning: no ratings. Teachers (T06 moved in, T18): means 5 → 1 and 3 → 0.5,
  S_t = 0.75; leaders L11 mean 3 → 0.5. S = 0.625 = C → 700 (survey only).
- Infrastructure & Operations: E = ((3−1)/3 + (2−1)/3)/2 = 0.5. T21 mean 4 → 0.75;
  L13 mean 13/3 → 5/6; S = 19/24. C = 0.4·0.5 + 0.6·19/24 = 0.675 → 740.
- Strategy Communication: E = 1/3, no survey items answered → C = 1/3 → 466.667.
- Total: (2·1/3 + 1·0.875 + 1·0.625 + 3·0.675) / (2 + 1 + 1 + 3) = 503/840 of the way from
  200 to 1,000 → 200 + 800·503/840 = 679.0476.
- Against pilot-2's year1 benchmark (total 550/600/650; Strategy 500/550/600, Culture
  700/750/800, Professional Learning 650/700/750, Infrastructure 700/750/800): total
  above; Strategy below, Culture above, the other two within. Strength: Culture (+150);
  focus areas: Strategy (−83.3), then Infrastructure (−10).

Scored with onpoint-1 instead, the same facts give 688.889: three respondents are under
its ``min_n`` of 5, so only the expert parts count (Strategy 466.667, Culture 1,000,
Operations 600, equal weights).
"""

from __future__ import annotations

from pathlib import Path

PILOT_2 = Path(__file__).resolve().parent / "fixtures" / "models" / "pilot-2"
ROUND = "2025-26"
STAGE = "year1"

RATINGS = {
    "culture_of_innovation": 4,
    "devices_digital_tools": 3,
    "it_support_plan": 2,
    "pl_vision_alignment": 2,
}
TEACHERS = [
    {"T04": 4, "T05": 4, "T06": 5, "T07": 2, "T18": 3, "T21": 5},
    {"T04": 5, "T05": 3, "T06": 5, "T07": 1, "T18": 4, "T21": 4},
    {"T04": 3, "T05": 5, "T06": 5, "T07": 3, "T18": 2, "T21": 3},
]
LEADERS = [
    {"L03": 5, "L04": 5, "L11": 3, "L13": 4},
    {"L03": 5, "L04": 4, "L11": 4, "L13": 4},
    {"L03": 4, "L04": 3, "L11": 2, "L13": 5},
]

TOTAL = 200 + 800 * 503 / 840
COMPONENTS = {  # id: (name, score, expert, survey, band)
    "strategy_communication": ("Strategy Communication", 200 + 800 / 3, 1 / 3, None, "below"),
    "culture_of_innovation": ("Culture of Innovation", 900.0, 1.0, 19 / 24, "above"),
    "instructional_design": ("Instructional Design", None, None, None, None),
    "curriculum_content": ("Curriculum & Content", None, None, None, None),
    "data_culture": ("Data Culture", None, None, None, None),
    "professional_learning": ("Professional Learning & Support", 700.0, None, 0.625, "within"),
    "infrastructure": ("Infrastructure & Operations", 740.0, 0.5, 19 / 24, "within"),
}
STRENGTHS = ("culture_of_innovation",)
FOCUS_AREAS = ("strategy_communication", "infrastructure")
ONPOINT_1_TOTAL = (200 + 800 / 3 + 1000 + 600) / 3


def fill_round(ws, round_id: str = ROUND) -> None:
    """The ratings and survey responses worked by hand above, through the core."""
    from onpoint_desktop.workspace import Response

    for area, level in RATINGS.items():
        ws.rate(round_id, area, level)
    ws.add_survey_responses(
        round_id, "teacher", [Response(f"t{i}", a) for i, a in enumerate(TEACHERS)]
    )
    ws.add_survey_responses(
        round_id, "leader", [Response(f"l{i}", a) for i, a in enumerate(LEADERS)]
    )


def pilot_documents():
    from onpoint_desktop.model_catalogue import read_model_folder

    return read_model_folder(PILOT_2, "pilot-2")
