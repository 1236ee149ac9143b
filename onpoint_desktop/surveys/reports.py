"""What an inspection or an import tells the consultant, and its ``--json`` object (§8).

``SurveyPreview`` is what importing a file would do; ``ImportSummary`` is what an import
did. Both give the same JSON object on the command line (``to_json``): ``format``,
``rows_read``, ``imported``, ``skipped`` (reason → rows: ``preview``, ``test``, ``spam``,
``answered_nothing``, ``duplicate``, ``already_imported``), ``partial``,
``respondents_by_school``, ``columns`` and ``unknown_answers``. The record kept with an
import in the workspace (``ImportSummary.record``) holds counts, never answers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from onpoint_desktop.surveys.answer_mapping import AnswerMapping
from onpoint_desktop.surveys.coding import UnknownAnswer
from onpoint_desktop.surveys.columns import ColumnMapping

ALREADY_IMPORTED = "already_imported"
NO_SCHOOL = "(no school given)"


def schools_of(schools) -> dict[str, int]:
    """Respondents per school name (sorted; those without a school under NO_SCHOOL)."""
    counts = Counter(s or "" for s in schools)
    return {(s or NO_SCHOOL): n for s, n in sorted(counts.items())}


def format_label(layout, source, answers: AnswerMapping, coded) -> str:
    """e.g. "Qualtrics CSV (choice text)", "SurveyMonkey Excel workbook"."""
    label = f"{layout.label} {source.kind_label}"
    if layout.format == "qualtrics" and len(coded.responses):
        label += " (choice text)" if answers.labelled else " (numeric values)"
    return label


def report_json(
    fmt: str,
    rows_read: int,
    imported: int,
    skipped: dict[str, int],
    partial: int,
    schools: dict[str, int],
    mapping: ColumnMapping | None,
    unknown: list[UnknownAnswer],
) -> dict:
    """The one ``--json`` object of import-survey and inspect-survey (SPEC §8)."""
    return {
        "format": fmt,
        "rows_read": rows_read,
        "imported": imported,
        "skipped": dict(skipped),
        "partial": partial,
        "respondents_by_school": dict(schools),
        "columns": _columns_json(mapping) if mapping is not None else [],
        "unknown_answers": _unknown_json(unknown),
    }


def _columns_json(mapping: ColumnMapping) -> list[dict]:
    return [
        {
            "column": u.column.letter,
            "header": u.column.text,
            "use": u.use,
            "item": u.item,
            "confidence": round(u.confidence, 3),
        }
        for u in mapping.uses
    ]


def _unknown_json(unknown: list[UnknownAnswer]) -> list[dict]:
    return [{"row": u.row, "column": u.column, "value": u.value} for u in unknown]


@dataclass
class SurveyPreview:
    """What importing a file would do (nothing is stored)."""

    path: Path
    role: str
    format: str  # qualtrics, surveymonkey, google_forms, msforms, spss, template, spreadsheet
    format_label: str  # e.g. "Qualtrics CSV (numeric values)"
    encoding: str | None  # the codec of a text file
    encoding_label: str | None  # the same in words
    mapping: ColumnMapping
    answers: AnswerMapping
    rows_read: int
    rows_to_import: int  # before leaving out responses the workspace already holds
    skipped: dict[str, int]
    partial: int
    schools: dict[str, int]
    unknown_answers: list[UnknownAnswer]  # the first few
    unknown_count: int
    missing_recodes: dict[str, int]
    column_problems: list[str]  # the file or its column mapping (each stops the import)
    answer_problems: list[str]  # unknown answers, another scale (each stops the import)

    @property
    def problems(self) -> list[str]:
        """Everything that stops the import (empty: ready to import)."""
        return self.column_problems + self.answer_problems

    @property
    def ready(self) -> bool:
        return not self.problems

    def save_mapping(self, path: Path | str) -> Path:
        """Write the column mapping with every answer and its value (to review or edit)."""
        from onpoint_desktop.surveys.saved_mappings import save_mapping

        return save_mapping(self.mapping, path, self.answers)

    def to_json(self) -> dict:
        """The ``inspect-survey --json`` object (SPEC §8): what importing would do."""
        return report_json(
            self.format,
            self.rows_read,
            self.rows_to_import,
            self.skipped,
            self.partial,
            self.schools,
            self.mapping,
            self.unknown_answers,
        )


@dataclass
class ImportSummary:
    """What an import did."""

    file: str
    format: str
    format_label: str
    round_id: str
    role: str
    rows_read: int
    rows_imported: int
    rows_skipped: int
    skipped: dict[str, int]  # preview, test, spam, answered_nothing, duplicate, already_imported
    partial: int  # partial responses among those imported
    schools: dict[str, int]  # respondents imported per school
    items_mapped: int
    unmapped_columns: list[str]
    missing_recodes: dict[str, int]
    unknown_as_missing: dict[str, int]  # item → unknown answers read as missing
    comments_kept: int
    mapping: str  # automatic, remembered, or the mapping file used
    import_id: int | None = None
    notes: list[str] = field(default_factory=list)
    column_mapping: ColumnMapping | None = field(default=None, repr=False)
    unknown_answers: list[UnknownAnswer] = field(default_factory=list, repr=False)
    answer_mapping: AnswerMapping | None = field(default=None, repr=False)

    @classmethod
    def of(cls, plan, coded, stored: np.ndarray, round_id: str, unknown_as_missing: bool):
        """The summary of ``coded`` responses of which ``stored`` were new."""
        skipped = dict(coded.skipped)
        inserted = int(stored.sum())
        if len(stored) - inserted:
            skipped[ALREADY_IMPORTED] = len(stored) - inserted
        notes = []
        if not plan.mapping.school_column:
            notes.append("No school column was found; responses have no school.")
        schools = [s for s, new in zip(coded.responses.schools, stored, strict=True) if new]
        return cls(
            file=plan.source.name,
            format=plan.layout.format,
            format_label=format_label(plan.layout, plan.source, plan.answers, coded),
            round_id=round_id,
            role=plan.instrument.role,
            rows_read=coded.rows_read,
            rows_imported=inserted,
            rows_skipped=coded.rows_read - inserted,
            skipped=skipped,
            partial=int((coded.partial & stored).sum()),
            schools=schools_of(schools),
            items_mapped=len(plan.mapping.item_columns),
            unmapped_columns=[u.column.label for u in plan.mapping.unmapped],
            missing_recodes=dict(coded.recodes),
            unknown_as_missing=dict(coded.unknown_by_item) if unknown_as_missing else {},
            comments_kept=coded.comments,
            mapping=plan.mapping.origin,
            notes=notes,
            column_mapping=plan.mapping,
            unknown_answers=list(coded.unknown) if unknown_as_missing else [],
            answer_mapping=plan.answers,
        )

    def record(self) -> dict:
        """The summary kept with the import in the workspace: counts, no response content."""
        skip = ("import_id", "column_mapping", "unknown_answers", "answer_mapping")
        return {k: v for k, v in self.__dict__.items() if k not in skip}

    def save_mapping(self, path: Path | str) -> Path:
        """Write the mapping this import used, with every answer and its value."""
        from onpoint_desktop.surveys.saved_mappings import save_mapping

        return save_mapping(self.column_mapping, path, self.answer_mapping)

    def to_json(self) -> dict:
        """The ``import-survey --json`` object (SPEC §8)."""
        return report_json(
            self.format,
            self.rows_read,
            self.rows_imported,
            self.skipped,
            self.partial,
            self.schools,
            self.column_mapping,
            self.unknown_answers,
        )
