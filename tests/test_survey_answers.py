"""Answer reading and text normalisation, unit by unit (doctests: test_doctests.py)."""

from __future__ import annotations

import pytest

from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.surveys.answers import AnswerScale


@pytest.fixture(scope="module")
def scale():
    return AnswerScale.for_instrument(shipped_model("onpoint-1").instruments["teacher"])


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        ("Strongly disagree", 1),
        ("somewhat disagree", 2),
        ("Neither agree nor disagree", 3),
        ("Neutral", 3),
        ("Somewhat agree", 4),
        ("AGREE", 4),
        ("Agree strongly", 5),
        ("Strongly\u00a0agree.", 5),
        ("4", 4),
        ("4.0", 4),
        ("(2) Disagree", 2),
        ("Strongly agree [5]", 5),
    ],
)
def test_scale_points(scale, answer, value):
    reading = scale.read(answer)
    assert (reading.kind, reading.value) == ("value", value)


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("", "blank"),
        ("   ", "blank"),
        ("N/A", "missing"),
        ("Not applicable", "missing"),
        ("Don\u2019t know", "missing"),
        ("Prefer not to answer", "missing"),
        ("99 = Don't know", "missing"),
        ("-99", "recode"),
        ("-1", "recode"),
        ("97", "recode"),
        ("999", "recode"),
        ("0", "unknown"),
        ("6", "unknown"),
        ("3.5", "unknown"),
        ("4 - Strongly agree", "unknown"),  # number and label disagree
        ("Agree;Strongly agree", "unknown"),  # a checkbox grid, not one answer
        ("nan", "unknown"),
    ],
)
def test_missing_recodes_and_unknowns(scale, answer, kind):
    assert scale.read(answer).kind == kind
