"""Calibration cases, consultant side: open HQ's case as a workspace and rate it blind.

``onpoint calibration open CASE [-o WORKSPACE]`` and the app's File ▸ Open calibration
case… call :func:`open_case`. The case must be signed by the HQ key the consultant trusts
(``hq-key import``; ``signed.read_signed``): a tampered, unsigned, foreign-signed or other
kind of file is refused with a sentence naming it, and nothing is created. Its content is
checked as strictly as a bundle's (names and notes within the limits, known stages,
models, areas, roles, items and answer values, bounded counts), then written into a new
workspace in one go: the fictional district, its rounds, the survey responses, HQ's
evidence notes, and last the mark that makes it a calibration case
(``workspace.calibration_case``), after which only ratings can be written. Anything that
fails part-way removes the new file.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onpoint_desktop import clock, limits
from onpoint_desktop.errors import BundleError, OnpointError
from onpoint_desktop.sync import signed
from onpoint_desktop.sync.calibration_cases import CASE_FORMAT
from onpoint_desktop.sync.format import RESPONSE_KEY_PREFIX
from onpoint_desktop.workspace.calibration_case import CaseInfo

if TYPE_CHECKING:
    from onpoint_desktop.sync import keys
    from onpoint_desktop.workspace import Workspace

WORKSPACE_SUFFIX = ".onpoint.db"
MAX_ROUNDS = 50
MAX_RESPONSES = 200_000  # per case, as many as the largest real district's bundle


class CaseRefused(BundleError):
    """A calibration case was not opened (the sentence names the file)."""


def default_workspace_path(case: str | Path) -> Path:
    """Where a case is opened when no workspace name is given: beside it.

    >>> default_workspace_path("cases/alder.onpointcase").as_posix()
    'cases/alder.onpoint.db'
    """
    case = Path(case)
    return case.with_name(case.name.split(".")[0] + WORKSPACE_SUFFIX)


def open_case(
    case: str | Path,
    out: str | Path | None = None,
    *,
    trusted: keys.HQPublicKey | None = None,
    author: str | None = None,
) -> Path:
    """Check the calibration case at ``case`` and write it as a new workspace at ``out``
    (default: beside the case); returns the workspace's path."""
    from onpoint_desktop.workspace import Workspace
    from onpoint_desktop.workspace.connection import remove_database

    case = Path(case)
    out = Path(out) if out is not None else default_workspace_path(case)
    document = signed.read_signed(case, signed.CALIBRATION_CASE, trusted)
    if out.exists():
        raise CaseRefused(f"{out} already exists; choose another name for the case's workspace.")
    reader = _CaseReader(case, document.document)
    name = reader.name()
    ws = Workspace.create(out, name)
    try:
        rounds = reader.rounds(ws)
        evidence = {}
        for r in rounds:
            ws.set_current_model(r["model"])
            ws.add_round(r["id"], r["stage"], r["label"], author=author)
            for role, responses in r["responses"].items():
                ws.add_survey_responses(
                    r["id"], role, responses, source_name=case.name, source_format="case"
                )
            evidence[r["id"]] = r["evidence"]
        info = CaseInfo(
            reader.case_id(), name, document.signer, document.signed_at, clock.utc_now()
        )
        ws.mark_calibration_case(info, evidence)
    except BaseException:
        ws.close()
        remove_database(out)
        raise
    ws.close()
    return out


class _CaseReader:
    """Checks a case document's content; each refusal a :class:`CaseRefused` sentence."""

    def __init__(self, path: Path, doc: Any) -> None:
        self.path = path
        if not isinstance(doc, dict) or doc.get("format") != CASE_FORMAT:
            self.fail(f"is not a calibration case ({CASE_FORMAT})")
        self.doc = doc

    def fail(self, why: str) -> None:
        raise CaseRefused(f"{self.path} {why}; it was not opened and nothing was created.")

    def case_id(self) -> str:
        value = self.doc.get("case_id")
        try:
            if isinstance(value, str) and str(uuid.UUID(value)) == value:
                return value
        except ValueError:
            pass
        self.fail("has no valid case id")
        raise AssertionError  # unreachable: fail raises

    def name(self) -> str:
        self.case_id()
        problem = limits.name_problem(self.doc.get("name"))
        if problem:
            self.fail(f"has a case name that {problem}")
        return self.doc["name"]

    def rounds(self, ws: Workspace) -> list[dict[str, Any]]:
        rounds = self.doc.get("rounds")
        if not isinstance(rounds, list) or not 0 < len(rounds) <= MAX_ROUNDS:
            self.fail(f"must hold 1 to {MAX_ROUNDS} rounds")
        ids: set[str] = set()
        total = 0
        out = []
        for number, r in enumerate(rounds, 1):
            if not isinstance(r, dict):
                self.fail(f"has round {number} that is not an object")
            for field in ("id", "label"):
                problem = limits.name_problem(r.get(field))
                if problem or not str(r.get(field)).strip():
                    self.fail(f"has round {number} whose {field} {problem or 'is empty'}")
            if r["id"] in ids:
                self.fail(f"repeats round {r['id']!r}")
            ids.add(r["id"])
            if r.get("stage") not in ws.framework.stage_ids:
                self.fail(f"has round {number} at an unknown stage")
            try:
                model = ws.models.get(str(r.get("model")))
            except OnpointError:
                self.fail(
                    f"has round {number} scored with the model {str(r.get('model'))[:60]!r}, "
                    "which this app does not ship; ask HQ for a case scored with a shipped model"
                )
            evidence = r.get("evidence")
            if not isinstance(evidence, dict) or len(evidence) > len(ws.framework.areas):
                self.fail(f"has round {number} without evidence notes per focus area")
            for area, note in evidence.items():
                if area not in ws.framework.areas:
                    self.fail(f"has an evidence note for an unknown focus area in round {number}")
                problem = limits.note_problem(note)
                if problem:
                    self.fail(f"has an evidence note in round {number} that {problem}")
            responses = r.get("responses", [])
            if not isinstance(responses, list):
                self.fail(f"has round {number} whose responses are not a list")
            total += len(responses)
            if total > MAX_RESPONSES:
                self.fail(f"holds more than {MAX_RESPONSES:,} survey responses")
            out.append(
                {
                    "id": r["id"],
                    "label": r["label"],
                    "stage": r["stage"],
                    "model": model.id,
                    "evidence": dict(evidence),
                    "responses": self._responses(number, model, responses),
                }
            )
        return out

    def _responses(self, number: int, model: Any, responses: list[Any]) -> dict[str, list]:
        from onpoint_desktop.workspace.responses import Response

        by_role: dict[str, list[Response]] = {}
        seen: set[tuple[str, str]] = set()
        for r in responses:
            role = r.get("role") if isinstance(r, dict) else None
            key, answers = (r.get("key"), r.get("answers")) if isinstance(r, dict) else (0, 0)
            if role not in model.instruments:
                self.fail(f"has a survey response of round {number} for an unknown role")
            instrument = model.instruments[role]
            good_key = (
                isinstance(key, str)
                and key.startswith(RESPONSE_KEY_PREFIX)
                and len(key) <= 100
                and (role, key) not in seen
            )
            good_answers = isinstance(answers, dict) and all(
                item in instrument.item_ids
                and isinstance(v, int)
                and not isinstance(v, bool)
                and instrument.scale_min <= v <= instrument.scale_max
                for item, v in answers.items()
            )
            if not good_key or not good_answers:
                self.fail(f"has a malformed or repeated survey response in round {number}")
            seen.add((role, key))
            by_role.setdefault(role, []).append(Response(key, dict(answers)))
        return by_role
