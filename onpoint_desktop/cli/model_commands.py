"""Scoring-model commands (SPEC §10): ``model list``, ``model import``, ``model use``.

``round set-model`` lives with the other round commands (``workspace_commands``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from onpoint_desktop.workspace import Workspace


def register(commands: argparse._SubParsersAction) -> None:
    models = commands.add_parser("model", help="the scoring models a workspace scores with")
    sub = models.add_subparsers(dest="model_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("list", help="list the models a workspace can score with")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run_list)

    p = sub.add_parser("import", help="install a model pack HQ published (signed by HQ)")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("pack", metavar="PACK", type=Path)
    p.add_argument(
        "--keep-current",
        action="store_true",
        help="keep scoring new rounds with the current model (default: with the new one)",
    )
    p.set_defaults(run=run_import)

    p = sub.add_parser("use", help="score new rounds with an installed model")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("model", metavar="MODEL")
    p.set_defaults(run=run_use)


def run_list(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        models = ws.installed_models()
    if args.json:
        doc = {
            "models": [
                {
                    "id": m.id,
                    "version": m.version,
                    "name": m.name,
                    "origin": m.origin,
                    "published_by": m.published_by or None,
                    "installed_at": m.installed_at or None,
                    "rounds": list(m.rounds),
                    "current": m.current,
                }
                for m in models
            ]
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    for m in models:
        mark = "*" if m.current else " "
        origin = f"pack signed by HQ key {m.published_by}" if m.origin == "pack" else "shipped"
        rounds = ", ".join(m.rounds) or "no rounds"
        print(f"{mark} {m.id:<16} {m.name} ({origin}); {rounds}")
    print("* new rounds are scored with this model ('onpoint model use DB MODEL' to change)")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.model_pack import import_model_pack

    with Workspace.open(args.db) as ws:
        before = ws.current_model_id
        model, new = import_model_pack(ws, args.pack)
        if not args.keep_current:
            ws.set_current_model(model.id)
        now = ws.current_model_id
    verb = "Installed" if new else "Already installed:"
    print(f"{verb} scoring model {model.id} ({model.name}) in {args.db}.")
    if now != before:
        print(f"New rounds are scored with {model.id} (was {before}).")
    print(f"To score an existing round with it: onpoint round set-model {args.db} ROUND {model.id}")
    return 0


def run_use(args: argparse.Namespace) -> int:
    with Workspace.open(args.db) as ws:
        ws.set_current_model(args.model)
        print(f"New rounds in {args.db} are scored with {args.model}.")
    return 0
