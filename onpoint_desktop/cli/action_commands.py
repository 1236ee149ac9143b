"""The consultant's day on the command line (SPEC §11): the action plan (``action``), the
evidence overview (``notes``) and a round's survey imports (``survey list|remove``)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from onpoint_desktop.english import counted
from onpoint_desktop.errors import InputError
from onpoint_desktop.limits import escaped
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.actions import STATUSES, Action

ID_SHOWN = 8  # characters of an action id shown in lists (any unique start is accepted)


def register(commands: argparse._SubParsersAction) -> None:
    action = commands.add_parser("action", help="a round's action plan")
    sub = action.add_subparsers(dest="action_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("add", help="add an action to a round's plan")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: the latest round")
    p.add_argument("--title", required=True, metavar="T")
    about = p.add_mutually_exclusive_group()
    about.add_argument("--component", metavar="C", help="the component it works on")
    about.add_argument("--area", metavar="A", help="or the focus area it works on")
    p.add_argument("--owner", metavar="O")
    p.add_argument("--due", metavar="YYYY-MM-DD")
    p.add_argument("--status", default="planned", help=f"one of: {', '.join(STATUSES)}")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--json", action="store_true", help="print the action as one JSON object")
    p.set_defaults(run=run_action_add)

    p = sub.add_parser("list", help="list a round's action plan")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: the latest round")
    p.add_argument("--json", action="store_true", help="print one JSON list")
    p.set_defaults(run=run_action_list)

    p = sub.add_parser("set", help="change an action (status, owner, due date, note…)")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("action_id", metavar="ACTION_ID", help="its id, or the start of it")
    p.add_argument("--status", help=f"one of: {', '.join(STATUSES)}")
    p.add_argument("--title", metavar="T")
    about = p.add_mutually_exclusive_group()
    about.add_argument("--component", metavar="C")
    about.add_argument("--area", metavar="A")
    p.add_argument("--owner", metavar="O", help="'' clears it")
    p.add_argument("--due", metavar="YYYY-MM-DD", help="'' clears it")
    p.add_argument("--note", metavar="TEXT", help="'' clears it")
    p.add_argument("--json", action="store_true", help="print the action as one JSON object")
    p.set_defaults(run=run_action_set)

    p = sub.add_parser("remove", help="take an action off its round's plan")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("action_id", metavar="ACTION_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_action_remove)

    p = commands.add_parser("notes", help="every evidence note of a round, searchable")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: the latest round")
    p.add_argument("--search", metavar="TEXT", help="words to find (note, area, author)")
    p.add_argument("--category", metavar="C", help="one category (id or name)")
    p.add_argument("--level", type=int, metavar="L")
    p.add_argument("--has-note", action="store_true", help="only ratings with a note")
    p.add_argument("--author", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print one JSON list")
    p.set_defaults(run=run_notes)


def register_survey_imports(sub: argparse._SubParsersAction) -> None:
    """``survey list`` and ``survey remove`` (under the ``survey`` command)."""
    p = sub.add_parser("list", help="list a round's survey imports (each with an id)")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: every round")
    p.add_argument("--json", action="store_true", help="print one JSON list")
    p.set_defaults(run=run_survey_list)

    p = sub.add_parser("remove", help="remove one survey import and the responses it added")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("import_id", metavar="IMPORT_ID")
    p.add_argument("--yes", action="store_true", help="remove without asking")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_survey_remove)


# --- actions -------------------------------------------------------------------------------


def _round(ws: Workspace, round_id: str | None) -> str:
    if round_id:
        return ws.get_round(round_id).id
    latest = ws.latest_round()
    if latest is None:
        raise InputError(f"{ws.district.name} has no rounds yet; add one with 'round add'.")
    return latest.id


def action_json(action: Action) -> dict:
    record = asdict(action)
    for inner in ("uuid", "seq"):
        record.pop(inner)
    record["id"] = record.pop("action_id")
    record["round"] = record.pop("round_id")
    record["component"] = record.pop("component_id")
    record["area"] = record.pop("area_id")
    return record


def _about(ws: Workspace, action: Action) -> str:
    if action.component_id:
        return ws.round_model(action.round_id).by_id[action.component_id].name
    if action.area_id:
        return ws.framework.areas[action.area_id].label
    return "—"


def _said(ws: Workspace, action: Action, verb: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps(action_json(action), ensure_ascii=False))
    else:
        print(
            f"{verb} action {action.action_id[:ID_SHOWN]} in round {escaped(action.round_id)}: "
            f"{escaped(action.title)} ({action.status})"
        )
    return 0


def run_action_add(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        action = ws.add_action(
            _round(ws, args.round),
            args.title,
            component_id=args.component,
            area_id=args.area,
            owner=args.owner,
            due=args.due,
            status=args.status,
            note=args.note,
        )
        return _said(ws, action, "Added", args.json)


def run_action_set(args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    for option, field in (("component", "component_id"), ("area", "area_id")):
        if getattr(args, option) is not None:
            changes[field] = getattr(args, option)
    for option in ("owner", "due", "note"):
        value = getattr(args, option)
        if value is not None:
            changes[option] = value or None
    if args.status is None and args.title is None and not changes:
        raise InputError("Nothing to change: give --status, --title, --owner, --due or --note.")
    with Workspace.open(args.db) as ws:
        action = ws.set_action(args.action_id, title=args.title, status=args.status, **changes)
        return _said(ws, action, "Changed", args.json)


def run_action_remove(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        action = ws.remove_action(args.action_id)
        return _said(ws, action, "Removed", args.json)


def run_action_list(args: argparse.Namespace) -> int:
    with Workspace.open(args.db, backup=False) as ws:
        round_id = _round(ws, args.round)
        actions = ws.actions(round_id)
        if args.json:
            print(json.dumps([action_json(a) for a in actions], ensure_ascii=False))
            return 0
        print(
            f"{escaped(ws.district.name)} — round {escaped(round_id)}: action plan "
            f"({counted(len(actions), 'action')})"
        )
        for a in actions:
            carried = " (carried)" if a.carried_from else ""
            print(
                f"  {a.action_id[:ID_SHOWN]}  {a.status:<11}  {escaped(a.title)}{carried}\n"
                f"            about {escaped(_about(ws, a))}; owner {escaped(a.owner or '—')}; "
                f"due {a.due or '—'}" + (f"\n            {escaped(a.note)}" if a.note else "")
            )
        return 0


# --- evidence notes ------------------------------------------------------------------------


def run_notes(args: argparse.Namespace) -> int:
    from onpoint_desktop.evidence_notes import evidence_notes

    with Workspace.open(args.db, backup=False) as ws:
        round_id = _round(ws, args.round)
        notes = evidence_notes(
            ws,
            round_id,
            search=args.search,
            category=args.category,
            level=args.level,
            has_note=True if args.has_note else None,
            author=args.author,
        )
        if args.json:
            print(json.dumps([n.as_json() for n in notes], ensure_ascii=False))
            return 0
        print(
            f"{escaped(ws.district.name)} — round {escaped(round_id)}: "
            f"{counted(len(notes), 'rated area')} found"
        )
        for n in notes:
            print(
                f"  {escaped(n.category)} / {escaped(n.area)}: {n.level} {n.level_label} "
                f"— {escaped(n.author)}, {n.created_at[:10]}"
            )
            print(f"      {escaped(n.note) if n.note else '(no note)'}")
        return 0


# --- survey imports ------------------------------------------------------------------------


def import_json(record: dict) -> dict:
    return {
        "id": record["id"],
        "round": record["round_id"],
        "role": record["role"],
        "file": record["source_name"],
        "format": record["source_format"],
        "imported_at": record["imported_at"],
        "rows_read": record["rows_read"],
        "rows": record["rows_imported"],
        "rows_skipped": record["rows_skipped"],
        "author": record["author"],
    }


def run_survey_list(args: argparse.Namespace) -> int:
    with Workspace.open(args.db, backup=False) as ws:
        round_id = ws.get_round(args.round).id if args.round else None
        imports = ws.survey_imports(round_id)
        if args.json:
            print(json.dumps([import_json(i) for i in imports], ensure_ascii=False))
            return 0
        where = f"round {escaped(round_id)}" if round_id else "every round"
        print(f"{escaped(ws.district.name)} — {where}: {counted(len(imports), 'survey import')}")
        for i in imports:
            print(
                f"  {i['id']:>4}  {escaped(i['round_id'])}  {i['role']:<8} "
                f"{escaped(i['source_name'])} ({escaped(i['source_format'])}), "
                f"{i['imported_at'][:16].replace('T', ' ')} UTC, "
                f"{counted(i['rows_imported'], 'row')} imported, by {escaped(i['author'])}"
            )
        return 0


def run_survey_remove(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        record = ws.survey_import(args.import_id)
        what = (
            f"survey import {record['id']} ({escaped(record['source_name'])}, "
            f"{counted(record['rows_imported'], 'response')} of {record['role']}s in round "
            f"{escaped(record['round_id'])})"
        )
        if not args.yes:
            raise InputError(
                f"Removing {what} cannot be undone from the command line; run again with "
                "--yes to remove it. Nothing was changed."
            )
        removed = ws.remove_survey_import(record["id"])
        if args.json:
            print(json.dumps({**import_json(removed), "removed": removed["removed"]}))  # no rows
        else:
            score = ws.score(record["round_id"]).total
            total = "no total yet" if score is None else f"total now {score:.1f}"
            print(f"Removed {what}; {counted(removed['removed'], 'response')} removed, {total}.")
        return 0
