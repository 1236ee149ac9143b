"""Survey import as stages, each visited once, as the import wizard and the CLI walk them.

    open the source → recognise its layout → read the rows → map columns → map answers
    → code rows → store

``inspect_survey(path, role, instruments=...)`` walks every stage but the last, touching
no workspace, and returns a ``SurveyPreview``: the format, the column mapping (a confidence
and reason per column), the answer mapping (every answer and its value), row counts,
skipped rows by reason, unknown answers and every problem that would stop the import.
``import_survey(ws, path, round_id, role)`` walks them all with the instruments of the
round's scoring model (from the workspace) and stores the responses in one transaction;
any problem is a ``SurveyImportError`` naming file, row and column, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from onpoint_desktop import limits
from onpoint_desktop.errors import Cancelled, InputError, SurveyImportError
from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys.answer_mapping import LISTED_IN_MESSAGE, map_answers
from onpoint_desktop.surveys.answers import AnswerScale
from onpoint_desktop.surveys.coding import CodedSurvey, code_rows
from onpoint_desktop.surveys.columns import ColumnMapping, map_columns
from onpoint_desktop.surveys.layouts import describe
from onpoint_desktop.surveys.readers import open_source
from onpoint_desktop.surveys.reports import (
    ALREADY_IMPORTED,
    ImportSummary,
    SurveyPreview,
    format_label,
    schools_of,
)
from onpoint_desktop.surveys.saved_mappings import (
    fit_mapping,
    read_mapping,
    remember_confirmed,
    remembered,
)
from onpoint_desktop.surveys.table import Cancel, Progress, read_table
from onpoint_desktop.surveys.text import item_id_key

STORE_BATCH = 25_000  # responses written between two looks at Cancel

Instruments = Mapping[str, Instrument]


class _Plan:
    """A file taken through the stages up to its answer mapping."""

    def __init__(self, path: Path, role: str, mapping, instruments: Instruments, progress, cancel):
        if role not in instruments:
            raise InputError(f"Unknown role '{role}'; use {' or '.join(instruments)}.")
        self.instrument = instrument = instruments[role]
        self.source = open_source(path)
        all_ids = {item_id_key(i) for ins in instruments.values() for i in ins.item_ids}
        self.layout = describe(
            self.source.head(),
            {k for k in all_ids if k},
            names_and_labels=self.source.names_and_labels,
        )
        self.table = read_table(self.source, self.layout, progress=progress, cancel=cancel)
        self.mapping = self._column_mapping(mapping)
        self.answers = map_answers(
            self.table,
            self.mapping,
            AnswerScale.for_instrument(instrument),
            self.source.declared_answers,
        )
        found = [f"{self.source.name}: {p}" for p in self.mapping.problems(instrument)]
        if not self.mapping.item_columns:
            found.insert(0, self._no_items(instruments))
        elif self.mapping.origin == "automatic":
            wrong = self._wrong_role(instruments, len(self.mapping.item_columns))
            if wrong:
                found.insert(0, wrong)
        self.column_problems = found
        self.scale_problems = self.answers.problems(self.source.name)

    @property
    def problems(self) -> list[str]:
        return self.column_problems + self.scale_problems

    def _column_mapping(self, given) -> ColumnMapping:
        layout, table, instrument = self.layout, self.table, self.instrument
        if isinstance(given, ColumnMapping):
            if given.layout != layout.signature or given.role != instrument.role:
                raise SurveyImportError(
                    "The column mapping given was made for another file layout or role than "
                    f"{self.source.name}; inspect this file again to map it."
                )
            return given
        if given is not None:
            return fit_mapping(read_mapping(given), layout, table, instrument, Path(given))
        return remembered(layout, table, instrument) or map_columns(layout, table, instrument)

    def _wrong_role(self, instruments: Instruments, ours: int) -> str:
        for role, other in instruments.items():
            if role == self.instrument.role:
                continue
            theirs = len(map_columns(self.layout, None, other).item_columns)
            if theirs > ours:
                return (
                    f"{self.source.name} looks like a {role} survey, not a "
                    f"{self.instrument.role} survey: {theirs} of its columns are {other.label} "
                    f"items and {ours} {self.instrument.label} items. Import it with role "
                    f"'{role}'."
                )
        return ""

    def _no_items(self, instruments: Instruments) -> str:
        wrong = self._wrong_role(instruments, 0)
        if wrong:
            return wrong
        name, label = self.source.name, self.instrument.label
        if self.layout.format == "spreadsheet":
            return (
                f"{name} does not look like a survey export: none of its column headers is a "
                f"question or item id of the {label} (expected a Qualtrics, SurveyMonkey, "
                "Google Forms or Microsoft Forms export, an SPSS file, or the Onpoint template)."
            )
        return (
            f"{name} is a {self.layout.label} export, but none of its columns is a question of "
            f"the {label}. Check that it is the right survey, or map the columns by hand "
            "(inspect-survey --save-mapping, edit, then --mapping)."
        )

    def code(self, *, unknown_as_missing: bool, keep_comments: bool) -> CodedSurvey:
        return code_rows(
            self.table,
            self.layout,
            self.mapping,
            self.answers,
            self.instrument,
            unknown_as_missing=unknown_as_missing,
            keep_comments=keep_comments,
        )

    def answer_problems(self, coded: CodedSurvey, unknown_as_missing: bool) -> list[str]:
        name = self.source.name
        if coded.rows_read == 0:
            return [f"{name} has header rows but no responses."]
        found = self._school_problems(coded)
        if not coded.unknown_count or unknown_as_missing:
            return found
        first = coded.unknown[:LISTED_IN_MESSAGE]
        listed = "; ".join(f'row {u.row}, {u.column}: "{u.value}"' for u in first)
        more = coded.unknown_count - len(first)
        tail = f"; and {more:,} more" if more > 0 else ""
        return [
            f"{name} has {coded.unknown_count:,} answer(s) that are not on the agreement scale "
            f"({listed}{tail}). Correct them in the file, give them a value in the answer "
            "mapping, or choose to read unknown answers as missing (--unknown-as-missing).",
            *found,
        ]

    def _school_problems(self, coded: CodedSurvey) -> list[str]:
        """School names are held to the limits of every name (SPEC §9), so the workspace
        can always be exported."""
        school = self.mapping.school_column
        for value in sorted({s for s in coded.responses.schools if s}):
            problem = limits.name_problem(value)
            if problem:
                shown = limits.escaped(value[:40]) + ("…" if len(value) > 40 else "")
                where = f", {school.column.label}" if school else ""
                return [
                    f"{self.source.name}{where}: the school name '{shown}' {problem}; school "
                    f"names hold at most {limits.MAX_NAME} printable characters. Correct "
                    "them in the file."
                ]
        return []


def inspect_survey(
    path: Path | str,
    role: str,
    mapping: ColumnMapping | Path | str | None = None,
    *,
    instruments: Instruments,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> SurveyPreview:
    """Take a file through every stage but storing; nothing is written anywhere.

    ``instruments``: the instruments of the scoring model the file would be scored with
    (the round's, from ``Workspace.survey_instruments``)."""
    plan = _Plan(Path(path), role, mapping, instruments, progress, cancel)
    coded = plan.code(unknown_as_missing=False, keep_comments=False)
    return SurveyPreview(
        path=Path(path),
        role=role,
        format=plan.layout.format,
        format_label=format_label(plan.layout, plan.source, plan.answers, coded),
        encoding=plan.source.encoding,
        encoding_label=plan.source.encoding_label,
        mapping=plan.mapping,
        answers=plan.answers,
        rows_read=coded.rows_read,
        rows_to_import=len(coded.responses),
        skipped=dict(coded.skipped),
        partial=int(coded.partial.sum()),
        schools=schools_of(coded.responses.schools),
        unknown_answers=list(coded.unknown),
        unknown_count=coded.unknown_count,
        missing_recodes=dict(coded.recodes),
        column_problems=plan.column_problems,
        answer_problems=plan.scale_problems + plan.answer_problems(coded, unknown_as_missing=False),
    )


def import_survey(
    ws,
    path: Path | str,
    round_id: str,
    role: str,
    mapping: ColumnMapping | Path | str | None = None,
    *,
    unknown_as_missing: bool = False,
    keep_comments: bool = False,
    author: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportSummary:
    """Import a survey file into a round, all or nothing; returns what was done.

    The file is read with the instruments of the round's scoring model. The import is
    recorded under ``author`` (default: the workspace author, ``ONPOINT_AUTHOR`` or the
    user name), as ratings are. A mapping the consultant confirmed is remembered for the
    file's layout once the import has succeeded (``saved_mappings.remember_confirmed``).
    """
    path = Path(path)
    ws.get_round(round_id)
    plan = _Plan(path, role, mapping, ws.survey_instruments(round_id), progress, cancel)
    if plan.problems:
        raise SurveyImportError(plan.problems[0])
    coded = plan.code(unknown_as_missing=unknown_as_missing, keep_comments=keep_comments)
    problems = plan.answer_problems(coded, unknown_as_missing)
    if problems:
        raise SurveyImportError(problems[0])
    responses = coded.responses
    stored = np.zeros(len(responses), dtype=bool)
    with ws.response_import(
        round_id, role, source_name=path.name, source_format=plan.layout.format, author=author
    ) as writer:
        for start in range(0, len(responses), STORE_BATCH):
            if cancel is not None and cancel():
                raise Cancelled()
            stop = start + STORE_BATCH
            stored[start:stop] = writer.add(responses.part(start, stop))
        summary = ImportSummary.of(plan, coded, stored, round_id, unknown_as_missing)
        summary.import_id = writer.finish(coded.rows_read, summary.record())
    if progress is not None:
        progress(plan.table.scanned, plan.table.scanned)
    try:
        remember_confirmed(plan.mapping, plan.answers)
    except SurveyImportError as exc:  # remembering is a convenience; the import stands
        summary.notes.append(f"The mapping was not remembered: {exc}")
    return summary


__all__ = ["ALREADY_IMPORTED", "ImportSummary", "SurveyPreview", "import_survey", "inspect_survey"]
