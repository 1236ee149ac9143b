"""Survey commands: import-survey, inspect-survey, survey template, round invited."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from onpoint_desktop.english import counted
from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace import Workspace

if TYPE_CHECKING:  # the survey machinery (pandas) is imported only by the survey commands
    from onpoint_desktop.surveys import ImportSummary, SurveyPreview

ROLES = ("teacher", "leader")
# Skip reasons as counted rows: (singular, plural).
REASONS = {
    "preview": ("survey preview", "survey previews"),
    "test": ("survey test", "survey tests"),
    "spam": ("marked as spam", "marked as spam"),
    "answered_nothing": ("answered no item", "answered no item"),
    "duplicate": ("repeated response id", "repeated response ids"),
    "already_imported": ("already imported", "already imported"),
}


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "import-survey", help="import a teacher or leader survey export into a round"
    )
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("file", metavar="FILE", type=Path, help=".csv, .tsv, .xlsx, .xls or .sav export")
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
    p.add_argument("--json", action="store_true", help="print one JSON object (SPEC §8)")
    p.set_defaults(run=run_import)

    p = commands.add_parser(
        "inspect-survey", help="show how a survey export would be read (nothing is stored)"
    )
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--role", required=True, choices=ROLES)
    _mapping_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (SPEC §8)")
    p.set_defaults(run=run_inspect)

    survey = commands.add_parser("survey", help="survey templates; a round's imports")
    sub = survey.add_subparsers(dest="survey_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("template", help="write a blank survey template (.csv or .xlsx)")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    p.set_defaults(run=run_template)
    from onpoint_desktop.cli.action_commands import register_survey_imports

    register_survey_imports(sub)  # survey list, survey remove


def register_round_invited(rounds: argparse._SubParsersAction) -> None:
    """``onpoint round invited DB ROUND --role ROLE N [--school NAME]``."""
    p = rounds.add_parser(
        "invited", help="how many teachers or leaders a round's survey went to (response rates)"
    )
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("round", metavar="ROUND")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("count", metavar="N", help="number invited (0 forgets it)")
    p.add_argument("--school", metavar="NAME", help="for one school (default: the district)")
    p.set_defaults(run=run_round_invited)


def _mapping_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help="a mapping saved as JSON and edited (columns and answer values); importing "
        "with it remembers it for files with the same layout",
    )
    p.add_argument(
        "--save-mapping",
        type=Path,
        metavar="FILE",
        help="write the mapping used (every column, every answer and its value) to FILE",
    )


def _progress_line(done: int, total: int) -> None:
    sys.stderr.write(f"\rReading responses: {done:,} of {total:,} rows")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _progress():
    return _progress_line if sys.stderr.isatty() else None


def run_import(args: argparse.Namespace) -> int:
    from onpoint_desktop.surveys import import_survey

    with Workspace.open(args.db) as ws:
        summary = import_survey(
            ws,
            args.file,
            args.round,
            args.role,
            args.mapping,
            unknown_as_missing=args.unknown_as_missing,
            keep_comments=args.keep_comments,
            progress=None if args.json else _progress(),
        )
    if args.save_mapping is not None:
        summary.save_mapping(args.save_mapping)
    if args.json:
        print(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
    else:
        print(render_summary(summary))
    return 0


def run_inspect(args: argparse.Namespace) -> int:
    from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID, shipped_model
    from onpoint_desktop.surveys import inspect_survey

    # No workspace: the file is read with the default scoring model's instruments.
    instruments = shipped_model(DEFAULT_MODEL_ID).instruments
    preview = inspect_survey(
        args.file,
        args.role,
        args.mapping,
        instruments=instruments,
        progress=None if args.json else _progress(),
    )
    if args.json:
        print(json.dumps(preview.to_json(), indent=2, ensure_ascii=False))
    else:
        print(render_preview(preview))
    if args.save_mapping is not None:
        preview.save_mapping(args.save_mapping)
        if not args.json:
            print(
                f"\nMapping written to {args.save_mapping}; edit it (a column's use and item, "
                f"an answer's value), then import with --mapping {args.save_mapping}."
            )
    for problem in preview.problems:
        sys.stderr.write(f"onpoint: cannot import: {problem}\n")
    return 1 if preview.problems else 0


def run_template(args: argparse.Namespace) -> int:
    from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID, shipped_model
    from onpoint_desktop.surveys import write_template

    instruments = shipped_model(DEFAULT_MODEL_ID).instruments  # the default model's surveys
    path = write_template(args.output, instruments[args.role])
    print(f"Wrote a blank {args.role} survey template to {path}.")
    return 0


def run_round_invited(args: argparse.Namespace) -> int:
    try:
        count = int(args.count)
    except ValueError:
        raise InputError(f"N must be a whole number (not '{args.count}').") from None
    from onpoint_desktop.response_rates import response_rates

    with Workspace.open(args.db) as ws:
        ws.set_invited(args.round, args.role, count, args.school)
        where = f" at {args.school}" if args.school else ""
        what = counted(count, args.role) if count else f"no number of {args.role}s"
        print(f"Round {args.round}: {what} invited{where}.")
        sentence = response_rates(ws, args.round).sentence()
        if sentence:
            print(sentence)
    return 0


def skipped_text(skipped: dict[str, int]) -> str:
    """ "1 survey preview, 2 answered no item" (plurals through ``counted``)."""
    parts = []
    for reason, n in skipped.items():
        one, many = REASONS.get(reason, (reason, reason))
        parts.append(counted(n, one, many))
    return ", ".join(parts)


def render_summary(s: ImportSummary) -> str:
    lines = [
        f"Imported {s.rows_imported:,} of {counted(s.rows_read, 'response')} from {s.file} "
        f"({s.format_label}) as {s.role} responses of round {s.round_id}."
    ]
    if s.rows_skipped:
        lines.append(f"Skipped {s.rows_skipped:,}: {skipped_text(s.skipped)}.")
    if s.partial:
        lines.append(f"Partial responses (not finished) among them: {s.partial:,}.")
    if s.schools:
        lines.append(
            "Respondents by school: " + ", ".join(f"{k} {n:,}" for k, n in s.schools.items())
        )
    lines.append(f"Items mapped: {s.items_mapped}; column mapping: {s.mapping}.")
    if s.missing_recodes:
        codes = ", ".join(f"{code} ×{n}" for code, n in s.missing_recodes.items())
        lines.append(f"Missing-answer codes read as missing: {codes}.")
    if s.unknown_as_missing:
        listed = ", ".join(f"{item} {n}" for item, n in s.unknown_as_missing.items())
        lines.append(f"Unknown answers read as missing: {listed}.")
    if s.comments_kept:
        lines.append(f"Comments kept: {s.comments_kept:,}.")
    if s.unmapped_columns:
        lines.append("Question columns not imported (no item matches):")
        lines += [f"  {c}" for c in s.unmapped_columns]
    lines += s.notes
    return "\n".join(lines)


def render_preview(p: SurveyPreview) -> str:
    m = p.mapping
    lines = [
        f"{p.path.name}: {p.format_label}" + (f", {p.encoding_label}" if p.encoding_label else ""),
        f"Responses: {counted(p.rows_read, 'row')}, {p.rows_to_import:,} to import"
        + (f" (skipped: {skipped_text(p.skipped)})" if p.skipped else "")
        + (f"; {p.partial:,} partial" if p.partial else ""),
    ]
    if p.schools:
        lines.append("Schools: " + ", ".join(f"{k} {n:,}" for k, n in p.schools.items()))
    if p.missing_recodes:
        codes = ", ".join(f"{code} ×{n}" for code, n in p.missing_recodes.items())
        lines.append(f"Missing-answer codes (read as missing): {codes}")
    if p.unknown_count:
        lines.append(
            f"Unknown answers: {p.unknown_count:,}, e.g. "
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
    lines += _answer_lines(p)
    return "\n".join(lines)


def _answer_lines(p: SurveyPreview) -> list[str]:
    """The answers that need a value or were given one by hand, one line per column (every
    answer is in the mapping written with --save-mapping)."""
    lines = []
    for col in p.answers.columns:
        odd = [c for c in col.choices if c.kind == "unknown" or c.how.startswith("set by hand")]
        if not odd:
            continue
        scale = f" ({col.other_scale.split(',')[0]})" if col.other_scale else ""
        listed = ", ".join(f'"{c.text}" ×{c.count:,} → {c.shown_value}' for c in odd)
        lines.append(f"  {col.use.column.letter:>3}  {col.use.item}{scale}: {listed}")
    if lines:
        lines[:0] = ["", "Answers to give a value (in the mapping file's 'answers'; ? = none yet):"]
    return lines
