"""Survey import in two steps, as the import wizard and the CLI use it.

``inspect_survey(path, role)`` reads a file without touching any workspace and returns a
``SurveyPreview``: the detected format, the column mapping with a confidence and reason per
column, row counts, skipped rows by reason, unknown answers (row, column, value) and any
problem that would stop the import. ``import_survey(ws, path, round_id, role, ...)``
stores the responses in one transaction and returns an ``ImportSummary``; any problem is
an ``SurveyImportError`` naming the file, row and column, and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from onpoint_desktop import limits
from onpoint_desktop.errors import InputError, SurveyImportError
from onpoint_desktop.framework import Instrument, ScoringModel
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID, shipped_model
from onpoint_desktop.surveys.answers import scale_conflict
from onpoint_desktop.surveys.formats import Layout, describe
from onpoint_desktop.surveys.mapping import ColumnMapping, auto_mapping
from onpoint_desktop.surveys.reading import (
    MAX_LISTED,
    Cancel,
    Progress,
    ResponseReader,
    ScanTotals,
    UnknownAnswer,
)
from onpoint_desktop.surveys.saved_mappings import fit_mapping, read_mapping, remembered
from onpoint_desktop.surveys.sources import SourceFile, open_source
from onpoint_desktop.surveys.text import item_id_key
from onpoint_desktop.workspace import Workspace

ALREADY_IMPORTED = "already_imported"
LISTED_IN_MESSAGE = 5  # unknown answers named in an error message (the preview has more)
NO_SCHOOL = "(no school given)"


@dataclass
class SurveyPreview:
    """What importing a file would do (nothing is stored)."""

    path: Path
    role: str
    format: str  # qualtrics, surveymonkey, google_forms, msforms, template, spreadsheet
    format_label: str  # e.g. "Qualtrics CSV (numeric values)"
    encoding: str | None
    mapping: ColumnMapping
    rows_read: int
    rows_to_import: int  # before leaving out responses the workspace already holds
    skipped: dict[str, int]
    schools: dict[str, int]
    unknown_answers: list[UnknownAnswer]  # the first few
    unknown_count: int
    missing_recodes: dict[str, int]
    problems: list[str]  # each stops the import (empty: ready to import)

    @property
    def ready(self) -> bool:
        return not self.problems


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
    skipped: dict[str, int]  # preview, test, spam, empty, duplicate, already_imported
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

    def to_json(self) -> dict:
        """The summary recorded with the import (no response content, no identities)."""
        skip = ("import_id", "column_mapping")
        return {k: v for k, v in self.__dict__.items() if k not in skip}


# --- opening and mapping -------------------------------------------------------------------


@dataclass
class _Opened:
    source: SourceFile
    layout: Layout
    instrument: Instrument
    mapping: ColumnMapping
    problems: list[str]


def _instrument(model: ScoringModel, role: str) -> Instrument:
    instruments = model.instruments
    if role not in instruments:
        raise InputError(f"Unknown role '{role}'; use {' or '.join(instruments)}.")
    return instruments[role]


def _open(
    path: Path, role: str, mapping: ColumnMapping | Path | str | None, model: ScoringModel
) -> _Opened:
    instrument = _instrument(model, role)
    source = open_source(Path(path))
    all_ids = {item_id_key(i) for ins in model.instruments.values() for i in ins.item_ids}
    layout = describe(source.head(), {k for k in all_ids if k})
    if isinstance(mapping, ColumnMapping):
        if mapping.layout != layout.signature or mapping.role != role:
            raise SurveyImportError(
                f"The column mapping given was made for another file layout or role than "
                f"{source.name}; inspect this file again to map it."
            )
        chosen = mapping
    elif mapping is not None:
        chosen = fit_mapping(read_mapping(Path(mapping)), layout, instrument, Path(mapping))
    else:
        chosen = remembered(layout, instrument) or auto_mapping(layout, instrument)
    problems = [f"{source.name}: {problem}" for problem in chosen.problems(instrument)]
    if not chosen.item_columns:
        problems.insert(0, _no_items(source, layout, model, instrument))
    elif chosen.origin == "automatic":
        wrong = _wrong_role(layout, model, instrument, len(chosen.item_columns), source)
        if wrong:
            problems.insert(0, wrong)
    return _Opened(source, layout, instrument, chosen, problems)


def _wrong_role(
    layout: Layout, model: ScoringModel, instrument: Instrument, ours: int, source: SourceFile
) -> str:
    for other in (i for r, i in model.instruments.items() if r != instrument.role):
        theirs = len(auto_mapping(layout, other).item_columns)
        if theirs > ours:
            return (
                f"{source.name} looks like a {other.role} survey, not a {instrument.role} "
                f"survey: {theirs} of its columns are {other.label} items and {ours} "
                f"{instrument.label} items. Import it with role '{other.role}'."
            )
    return ""


def _no_items(
    source: SourceFile, layout: Layout, model: ScoringModel, instrument: Instrument
) -> str:
    wrong = _wrong_role(layout, model, instrument, 0, source)
    if wrong:
        return wrong
    if layout.format == "spreadsheet":
        return (
            f"{source.name} does not look like a survey export: none of its column headers "
            f"is a question or item id of the {instrument.label} (expected a Qualtrics, "
            "SurveyMonkey, Google Forms or Microsoft Forms export, or the Onpoint template)."
        )
    return (
        f"{source.name} is a {layout.label} export, but none of its columns is a question of "
        f"the {instrument.label}. Check that it is the right survey, or map the columns by "
        "hand (inspect-survey --save-mapping, edit, then --mapping)."
    )


def _format_label(opened: _Opened, totals: ScanTotals) -> str:
    label = f"{opened.layout.label} {opened.source.kind_label}"
    if opened.layout.format == "qualtrics" and totals.kept:
        label += " (choice text)" if totals.labelled else " (numeric values)"
    return label


# --- the two steps -------------------------------------------------------------------------


def inspect_survey(
    path: Path | str,
    role: str,
    mapping: ColumnMapping | Path | str | None = None,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> SurveyPreview:
    """Read a survey file and say what importing it would do; nothing is stored."""
    # Without a round, a file is read with the default model's instruments.
    opened = _open(Path(path), role, mapping, shipped_model(DEFAULT_MODEL_ID))
    reader = ResponseReader(opened.source, opened.layout, opened.mapping, opened.instrument)
    totals = reader.read(progress=progress, cancel=cancel)
    problems = list(opened.problems) + _answer_problems(opened, totals, unknown_as_missing=False)
    return SurveyPreview(
        path=Path(path),
        role=role,
        format=opened.layout.format,
        format_label=_format_label(opened, totals),
        encoding=opened.source.encoding,
        mapping=opened.mapping,
        rows_read=totals.rows_read,
        rows_to_import=totals.kept,
        skipped=dict(totals.skipped),
        schools=_schools(totals),
        unknown_answers=list(totals.unknown),
        unknown_count=totals.unknown_count,
        missing_recodes=dict(totals.recodes),
        problems=problems,
    )


def import_survey(
    ws: Workspace,
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

    The import is recorded under ``author`` (default: the workspace author,
    ``ONPOINT_AUTHOR`` or the user name), as ratings are.
    """
    path = Path(path)
    ws.get_round(round_id)
    opened = _open(path, role, mapping, ws.round_model(round_id))
    if opened.problems:
        raise SurveyImportError(opened.problems[0])
    reader = ResponseReader(
        opened.source,
        opened.layout,
        opened.mapping,
        opened.instrument,
        keep_comments=keep_comments,
        unknown_as_missing=unknown_as_missing,
    )
    with ws.response_import(
        round_id,
        role,
        source_name=path.name,
        source_format=opened.layout.format,
        author=author,
    ) as writer:
        # Once an answer is unknown nothing will be stored: read on only to count.
        def store(table):
            if reader.totals.unknown_count and not unknown_as_missing:
                return np.zeros(len(table), dtype=bool)
            try:
                return writer.add(table)
            except InputError as exc:  # a value over the entry limits (a school name)
                school = opened.mapping.school_column
                where = f", {school.column.label}" if school else ""
                raise SurveyImportError(f"{path.name}{where}: {exc}") from None

        totals = reader.read(store, progress=progress, cancel=cancel)
        problems = _answer_problems(opened, totals, unknown_as_missing)
        if problems:
            raise SurveyImportError(problems[0])
        summary = _summary(
            opened, totals, writer.inserted, round_id, role, path, unknown_as_missing
        )
        summary.import_id = writer.finish(totals.rows_read, summary.to_json())
    return summary


def _answer_problems(opened: _Opened, totals: ScanTotals, unknown_as_missing: bool) -> list[str]:
    name = opened.source.name
    if totals.rows_read == 0:
        return [f"{name} has header rows but no responses."]
    found = []
    if totals.unknown_count and not unknown_as_missing:
        first = totals.unknown[:LISTED_IN_MESSAGE]
        listed = "; ".join(f'row {u.row}, {u.column}: "{u.value}"' for u in first)
        more = totals.unknown_count - len(first)
        tail = f"; and {more} more" if more > 0 else ""
        found.append(
            f"{name} has {totals.unknown_count} answer(s) that are not on the agreement scale "
            f"({listed}{tail}). Correct them in the file, or choose to read unknown answers "
            "as missing (--unknown-as-missing)."
        )
    school = opened.mapping.school_column
    for value in totals.schools:  # held to the limits of every name (SPEC §9)
        problem = limits.name_problem(value) if value else None
        if problem:
            shown = limits.escaped(value[:40]) + ("…" if len(value) > 40 else "")
            where = f", {school.column.label}" if school else ""
            found.append(
                f"{name}{where}: the school name '{shown}' {problem}; school names hold at "
                f"most {limits.MAX_NAME} printable characters. Correct them in the file."
            )
            break
    for item, variants in totals.variants.items():
        conflict = scale_conflict(variants)
        if conflict:
            column = next(u.column.label for u in opened.mapping.item_columns if u.item == item)
            found.append(
                f"{name}, {column}: answers '{conflict[0]}' and '{conflict[1]}' both occur, so "
                "the survey used a longer scale than the five-point agreement scale; it "
                "cannot be imported as is."
            )
    return found


def _schools(totals: ScanTotals) -> dict[str, int]:
    return {(s or NO_SCHOOL): n for s, n in sorted(totals.schools.items())}


def _summary(opened, totals, inserted, round_id, role, path, unknown_as_missing) -> ImportSummary:
    skipped = dict(totals.skipped)
    if totals.kept - inserted:
        skipped[ALREADY_IMPORTED] = totals.kept - inserted
    notes = []
    if not opened.mapping.school_column:
        notes.append("No school column was found; responses have no school.")
    return ImportSummary(
        file=path.name,
        format=opened.layout.format,
        format_label=_format_label(opened, totals),
        round_id=round_id,
        role=role,
        rows_read=totals.rows_read,
        rows_imported=inserted,
        rows_skipped=totals.rows_read - inserted,
        skipped=skipped,
        schools=_schools(totals),
        items_mapped=len(opened.mapping.item_columns),
        unmapped_columns=[u.column.label for u in opened.mapping.unmapped],
        missing_recodes=dict(totals.recodes),
        unknown_as_missing=dict(totals.unknown_by_item) if unknown_as_missing else {},
        comments_kept=totals.comments,
        mapping=opened.mapping.origin,
        notes=notes,
        column_mapping=opened.mapping,
    )


__all__ = ["MAX_LISTED", "ImportSummary", "SurveyPreview", "import_survey", "inspect_survey"]
