"""Calibration (SPEC §13): ``hq calibration``, ``hq calibration-case``, ``calibration open``.

HQ: ``onpoint hq calibration-case HQ_DB --from WORKSPACE -o CASE`` publishes a case
(``sync.calibration_cases``); ``onpoint hq calibration HQ_DB [--json]`` reports the
agreement of consultants who rated the same district and round (``hq_calibration``) and
each consultant's ratings of each case against HQ's anchor (``calibration_ratings``).
Consultant: ``onpoint calibration open CASE [-o WORKSPACE]`` opens a case to rate blind
(``sync.calibration_open``); ``onpoint bundle export`` then carries the ratings back.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from onpoint_desktop.english import counted
from onpoint_desktop.limits import escaped

VERDICT = {True: "calibrated", False: "not calibrated", None: "too few areas to tell"}


def register(commands: argparse._SubParsersAction) -> None:
    cal = commands.add_parser("calibration", help="open a calibration case HQ sent, to rate blind")
    sub = cal.add_subparsers(dest="calibration_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser(
        "open", help="check HQ's signed case and make it a workspace (read only but ratings)"
    )
    p.add_argument("case", metavar="CASE", type=Path)
    p.add_argument(
        "-o", "--output", metavar="WORKSPACE", type=Path, help="default: beside the case file"
    )
    p.set_defaults(run=run_open)
    p = sub.add_parser("evidence", help="HQ's evidence notes of a case, per focus area")
    p.add_argument("db", metavar="WORKSPACE", type=Path)
    p.add_argument("--round", help="one round (default: every round)")
    p.set_defaults(run=run_evidence)


def register_hq(sub: argparse._SubParsersAction) -> None:
    """The calibration commands under ``onpoint hq``."""
    p = sub.add_parser(
        "calibration",
        help="consultants' agreement: with each other on the same district and round, and "
        "with HQ's anchor on calibration cases",
    )
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(run=run_calibration)

    p = sub.add_parser(
        "calibration-case",
        help="publish a calibration case: a fictional district from a workspace, signed; "
        "HQ's anchor ratings stay in the store",
    )
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("--from", dest="source", required=True, metavar="WORKSPACE", type=Path)
    p.add_argument("-o", "--output", required=True, metavar="CASE", type=Path)
    p.add_argument("--name", help="the fictional district's name (default: one is made up)")
    p.add_argument(
        "--no-surveys", action="store_true", help="leave the rounds' survey responses out"
    )
    p.set_defaults(run=run_case)


def run_open(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.calibration_open import open_case
    from onpoint_desktop.workspace import Workspace

    db = open_case(args.case, args.output)
    with Workspace.open(db, backup=False) as ws:
        case = ws.calibration_case
        rounds = ws.rounds()
    print(f"Opened calibration case {escaped(case.name)} as {db}.")
    print(f"  {counted(len(rounds), 'round')}: {', '.join(escaped(r.label) for r in rounds)}")
    print(
        "  Rate it blind from the evidence ('onpoint calibration evidence', 'onpoint "
        "rate'); the district itself is read only. Your ratings go to HQ in your next "
        "bundle ('onpoint bundle export')."
    )
    return 0


def run_evidence(args: argparse.Namespace) -> int:
    from onpoint_desktop.errors import InputError
    from onpoint_desktop.workspace import Workspace

    with Workspace.open(args.db, backup=False) as ws:
        case = ws.calibration_case
        if case is None:
            raise InputError(
                f"{args.db} is not a calibration case; 'onpoint notes' lists its notes."
            )
        rounds = [ws.get_round(args.round)] if args.round else ws.rounds()
        fw = ws.framework
        print(case.banner)
        for rnd in rounds:
            evidence = ws.case_evidence(rnd.id)
            print()
            notes = counted(len(evidence), "evidence note")
            print(f"{escaped(rnd.label)} ({fw.stage_label(rnd.stage)}): {notes}")
            for area_id, area in fw.areas.items():
                if area_id in evidence:
                    print(f"  {area.label} [{area_id}]")
                    print(f"    {escaped(evidence[area_id])}")
    return 0


def run_case(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.calibration_cases import publish_case
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        case = publish_case(
            hq, args.source, args.output, name=args.name, surveys=not args.no_surveys
        )
    print(f"Wrote calibration case {escaped(case.name)} to {case.path}, signed by HQ.")
    print(
        f"  case {case.case_id}: {counted(case.rounds, 'round')}, "
        f"{counted(case.evidence_notes, 'evidence note')}, "
        f"{counted(case.survey_responses, 'survey response')}; no rating travels with it."
    )
    print(
        f"  HQ's anchor ({counted(case.anchors, 'rated area')}) is kept in {args.hq_db}; "
        "consultants open the case with 'onpoint calibration open CASE'."
    )
    return 0


def run_calibration(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.calibration_ratings import case_agreement
    from onpoint_desktop.sync.hq_calibration import CALIBRATED, consultant_agreement
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        found = consultant_agreement(hq)
        cases = case_agreement(hq)
        fw = hq.models.framework
    if args.json:
        doc = {
            "format": "onpoint-hq-calibration/1",
            "calibrated_kappa": CALIBRATED,
            "pairs": [g.to_json() for g in found],
            "cases": [c.to_json() for c in cases],
        }
        print(json.dumps(doc, indent=2, ensure_ascii=True))
        return 0
    print(f"Kappa: quadratic-weighted; {CALIBRATED:.2f} or more is calibrated.")
    if not found:
        print("No two consultants have rated the same district and round yet.")
    else:
        print(f"{counted(len(found), 'pair')} of consultants rated the same district and round.")
    for g in found:
        print()
        print(f"{escaped(g.name_a)} and {escaped(g.name_b)}: {counted(len(g.rounds), 'round')}")
        print(f"  {counted(g.areas, 'area')} both rated: {_agreement_text(g)}")
        _print_widest(fw, g.widest, "  ")
    print()
    if not cases:
        print("No calibration case published yet ('onpoint hq calibration-case').")
    for case in cases:
        rated = counted(len(case.raters), "consultant")
        print(f"Calibration case {escaped(case.name)} ({case.published_at[:10]}): {rated} rated it")
        for r in case.raters:
            print(
                f"  {escaped(r.name)} (key {r.fingerprint}): {counted(r.areas, 'area')} against "
                f"the anchor: {_agreement_text(r)}"
            )
            _print_widest(fw, r.widest, "    ")
    return 0


def _agreement_text(found) -> str:
    """Exact %, within-one %, kappa and the verdict of a pair or of a case's rater."""
    kappa = "—" if found.kappa is None else f"{found.kappa:.2f}"
    return (
        f"exact {100 * found.exact:.0f}%, within one level {100 * found.within_one:.0f}%, "
        f"kappa {kappa} ({VERDICT[found.calibrated]})"
    )


def _print_widest(fw, widest, indent: str) -> None:
    if widest:
        areas = ", ".join(f"{fw.areas[a].label} ({d:.1f})" for a, d in widest)
        print(f"{indent}Widest disagreement: {areas}")
