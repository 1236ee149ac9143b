"""Survey commands: import-survey, inspect-survey, survey template."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onpoint_desktop.surveys import (
    ImportSummary,
    SurveyPreview,
    import_survey,
    inspect_survey,
    remember,
    write_template,
)
from onpoint_desktop.surveys.importer import ALREADY_IMPORTED
from onpoint_desktop.workspace import Workspace

ROLES = ("teacher", "leader")
REASONS = {
    "preview": "survey preview",
    "test": "survey test",
    "spam": "marked as spam",
    "empty": "no item answered",
    "duplicate": "same response id twice in the file",
    ALREADY_IMPORTED: "already imported",
}


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "import-survey", help="import a teacher or leader survey export into a round"
    )
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("file", metavar="FILE", type=Path, help=".csv, .tsv or .xlsx export")
    p.add_argument("--round", required=True, metavar="ROUND")
    p.add_argument("--role", required=True, choices=ROLES)
    _mapping_options(p)
    p.add_argument(
        "--unknown-as-missing",
        action="store_true",
        help="read answers that are not on the agreement scale as missing (counted)",
    )
    p.add_argument(
        "--keep-comments",
        action="store_true",
        help="also store free-text comments (not kept by default)",
    )
    p.set_defaults(run=run_import)

    p = commands.add_parser(
        "inspect-survey", help="show how a survey export would be read (nothing is stored)"
    )
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--role", required=True, choices=ROLES)
    _mapping_options(p)
    p.set_defaults(run=run_inspect)

    survey = commands.add_parser("survey", help="survey templates")
    sub = survey.add_subparsers(dest="survey_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("template", help="write a blank survey template (.csv or .xlsx)")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    p.set_defaults(run=run_template)


def _mapping_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mapping", type=Path, metavar="FILE", help="a column mapping saved as JSON (edited)"
    )
    p.add_argument(
        "--save-mapping",
        type=Path,
        metavar="FILE",
        help="write the column mapping used to FILE (JSON) to review or edit",
    )


def _progress_line(done: int, total: int) -> None:
    sys.stderr.write(f"\rReading responses: {done:,} of {total:,} rows")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _progress():
    return _progress_line if sys.stderr.isatty() else None


def run_import(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        summary = import_survey(
            ws,
            args.file,
            args.round,
            args.role,
            args.mapping,
            unknown_as_missing=args.unknown_as_missing,
            keep_comments=args.keep_comments,
            progress=_progress(),
        )
    used = summary.column_mapping
    if used is not None and args.save_mapping is not None:
        used.save(args.save_mapping)
    if used is not None and args.mapping is not None:
        remember(used)  # a mapping the user edited is confirmed: reuse it for this layout
    print(render_summary(summary))
    return 0


def run_inspect(args: argparse.Namespace) -> int:
    preview = inspect_survey(args.file, args.role, args.mapping, progress=_progress())
    print(render_preview(preview))
    if args.save_mapping is not None:
        preview.mapping.save(args.save_mapping)
        print(
            f"\nMapping written to {args.save_mapping}; edit it, then import with "
            f"--mapping {args.save_mapping}."
        )
    for problem in preview.problems:
        sys.stderr.write(f"onpoint: cannot import: {problem}\n")
    return 1 if preview.problems else 0


def run_template(args: argparse.Namespace) -> int:
    path = write_template(args.output, args.role)
    print(f"Wrote a blank {args.role} survey template to {path}.")
    return 0


def _counts(counts: dict[str, int], names: dict[str, str] | None = None) -> str:
    return ", ".join(f"{n} {(names or {}).get(k, k)}" for k, n in counts.items())


def render_summary(s: ImportSummary) -> str:
    lines = [
        f"Imported {s.rows_imported} of {s.rows_read} responses from {s.file} "
        f"({s.format_label}) as {s.role} responses of round {s.round_id}."
    ]
    if s.rows_skipped:
        lines.append(f"Skipped {s.rows_skipped}: {_counts(s.skipped, REASONS)}.")
    if s.schools:
        lines.append(
            "Respondents by school: " + ", ".join(f"{k} {n}" for k, n in s.schools.items())
        )
    lines.append(f"Items mapped: {s.items_mapped}; column mapping: {s.mapping}.")
    if s.missing_recodes:
        codes = ", ".join(f"{code} ×{n}" for code, n in s.missing_recodes.items())
        lines.append(f"Missing-answer codes read as missing: {codes}.")
    if s.unknown_as_missing:
        lines.append("Unknown answers read as missing: " + _counts(s.unknown_as_missing) + ".")
    if s.comments_kept:
        lines.append(f"Comments kept: {s.comments_kept}.")
    if s.unmapped_columns:
        lines.append("Question columns not imported (no item matches):")
        lines += [f"  {c}" for c in s.unmapped_columns]
    lines += s.notes
    return "\n".join(lines)


def render_preview(p: SurveyPreview) -> str:
    m = p.mapping
    lines = [
        f"{p.path.name}: {p.format_label}" + (f", {p.encoding}" if p.encoding else ""),
        f"Responses: {p.rows_read} rows, {p.rows_to_import} to import"
        + (f" (skipped: {_counts(p.skipped, REASONS)})" if p.skipped else ""),
    ]
    if p.schools:
        lines.append("Schools: " + ", ".join(f"{k} {n}" for k, n in p.schools.items()))
    if p.missing_recodes:
        lines.append("Missing-answer codes: " + _counts(p.missing_recodes) + " (read as missing)")
    if p.unknown_count:
        lines.append(
            f"Unknown answers: {p.unknown_count}, e.g. "
            + "; ".join(f'row {u.row}, {u.column}: "{u.value}"' for u in p.unknown_answers[:3])
        )
    lines += ["", f"Column mapping for the {p.role} survey ({m.origin}):"]
    for u in m.uses:
        target = u.item if u.item else u.use
        hint = f" (suggested: {u.suggestion})" if u.suggestion else ""
        header = u.column.label.split(" ", 2)[2]
        lines.append(
            f"  {u.column.letter:>3}  {target:<12} {u.confidence:>5.0%}  {header}"
            f"  — {u.reason}{hint}"
        )
    return "\n".join(lines)
