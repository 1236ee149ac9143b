"""Visit evidence commands (SPEC §12): ``walkthrough add|list|summary`` and
``conditions list|rate|show``. The district's own ratings are ``rate --perspective
district`` and ``board --gap`` (``workspace_commands``)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from onpoint_desktop.english import counted
from onpoint_desktop.errors import InputError, ResourceError
from onpoint_desktop.evidence.instruments import conditions_instrument, walkthrough_instrument
from onpoint_desktop.evidence.profiles import GroupProfile, WalkthroughProfile
from onpoint_desktop.limits import escaped
from onpoint_desktop.workspace import Workspace


def register(commands: argparse._SubParsersAction) -> None:
    try:
        instrument = walkthrough_instrument()
        conditions_instrument()
    except ResourceError as exc:  # a damaged install: every other command still works
        for name in ("walkthrough", "conditions"):
            p = commands.add_parser(name, help="(unavailable: its resource file is damaged)")
            p.add_argument("rest", nargs=argparse.REMAINDER)
            p.set_defaults(run=lambda _args, error=exc: _raise(error))
        return
    top = instrument.top_level
    scale = ", ".join(f"{v} {label}" for v, label in instrument.levels)

    walk = commands.add_parser("walkthrough", help="classroom walkthroughs on the Core Four")
    sub = walk.add_subparsers(dest="walkthrough_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser(
        "add",
        help="record one observed classroom (no teacher or student names)",
        description=f"Record one observed classroom. Each element is rated {scale}.",
    )
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", required=True, metavar="ROUND")
    p.add_argument("--school", required=True)
    p.add_argument(
        "--grade-band", required=True, metavar="BAND", help=", ".join(instrument.grade_bands)
    )
    p.add_argument("--subject", required=True)
    for element in instrument.elements:
        p.add_argument(
            f"--{element.option}",
            dest=f"element_{element.id}",
            required=True,
            metavar=f"0-{top}",
            help=element.label,
        )
    p.add_argument("--date", help="observation date, YYYY-MM-DD (default: today)")
    p.add_argument("--observer", help="who observed (default: $ONPOINT_AUTHOR or your user name)")
    p.add_argument("--note", help="a note on the observation")
    p.add_argument(
        "--element-note",
        nargs=2,
        action="append",
        metavar=("ELEMENT", "TEXT"),
        help="a note on one element (e.g. data-driven 'exit tickets sorted into groups')",
    )
    p.set_defaults(run=run_walkthrough_add)

    for action, helptext, runner in (
        ("list", "list the observed classrooms of a round", run_walkthrough_list),
        ("summary", "the Core Four profile: classrooms at each level, overall and per school",
         run_walkthrough_summary),
    ):  # fmt: skip
        p = sub.add_parser(action, help=helptext)
        p.add_argument("db", metavar="DB", type=Path)
        p.add_argument("--round", metavar="ROUND", help="default: the latest round")
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(run=runner)

    cond = commands.add_parser(
        "conditions", help="KnowledgeWorks' ten conditions for scale and readiness"
    )
    sub = cond.add_subparsers(dest="conditions_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("list", help="the ten conditions, their readiness areas and components")
    p.set_defaults(run=run_conditions_list)
    states = conditions_instrument().states
    p = sub.add_parser("rate", help="rate one condition for a round")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", required=True, metavar="ROUND")
    p.add_argument("condition", metavar="CONDITION", help="a condition id ('conditions list')")
    p.add_argument(
        "state",
        metavar="STATE",
        help=" | ".join(s.id for s in states) + " (or 'clear')",
    )
    p.add_argument("--note", help="evidence note")
    p.add_argument("--author", help="who rates (default: $ONPOINT_AUTHOR or your user name)")
    p.set_defaults(run=run_conditions_rate)
    p = sub.add_parser("show", help="the conditions of a round and the readiness profile")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("--round", metavar="ROUND", help="default: the latest round")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run_conditions_show)


def _raise(error: Exception) -> int:
    raise error


def round_of(ws: Workspace, round_id: str | None) -> str:
    rnd = ws.get_round(round_id) if round_id else ws.latest_round()
    if rnd is None:
        raise InputError(f"{ws.district.name} has no rounds yet; add one with 'round add'.")
    return rnd.id


def _level(text: str, option: str) -> int:
    top = walkthrough_instrument().top_level
    try:
        return int(text)
    except ValueError:
        raise InputError(f"--{option} must be a whole number 0–{top}, not '{text[:20]}'.") from None


def run_walkthrough_add(args: argparse.Namespace) -> int:
    instrument = walkthrough_instrument()
    levels = {e.id: _level(getattr(args, f"element_{e.id}"), e.option) for e in instrument.elements}
    by_option = {e.option: e.id for e in instrument.elements} | {
        e.id: e.id for e in instrument.elements
    }
    notes = {}
    for name, text in args.element_note or []:
        if name not in by_option:
            raise InputError(
                f"Unknown element '{name[:40]}' in --element-note; use one of "
                f"{', '.join(e.option for e in instrument.elements)}."
            )
        notes[by_option[name]] = text
    with Workspace.open(args.db) as ws:
        w = ws.add_walkthrough(
            args.round,
            school=args.school,
            grade_band=args.grade_band,
            subject=args.subject,
            levels=levels,
            observed_on=args.date,
            observer=args.observer,
            note=args.note,
            notes=notes,
        )
        n = len(ws.walkthroughs(args.round))
    shown = ", ".join(f"{e.label} {w.levels[e.id]}" for e in instrument.elements)
    print(
        f"Recorded a {escaped(w.grade_band)} {escaped(w.subject)} classroom at "
        f"{escaped(w.school)} on {w.observed_on}: {shown}. "
        f"Round {escaped(args.round)} has {counted(n, 'observed classroom')}."
    )
    return 0


def run_walkthrough_list(args: argparse.Namespace) -> int:
    instrument = walkthrough_instrument()
    with Workspace.open(args.db, backup=False) as ws:
        round_id = round_of(ws, args.round)
        rows = ws.walkthroughs(round_id)
    if args.json:
        print(json.dumps([asdict(w) for w in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(f"No classroom walkthroughs in round {escaped(round_id)} yet.")
        return 0
    heads = "  ".join(f"{e.option[:12]:>12}" for e in instrument.elements)
    print(f"{'Date':<10}  {'School':<24} {'Band':<6} {'Subject':<14} {heads}")
    for w in rows:
        levels = "  ".join(f"{w.levels.get(e.id, '—'):>12}" for e in instrument.elements)
        print(
            f"{w.observed_on:<10}  {escaped(w.school)[:24]:<24} {escaped(w.grade_band)[:6]:<6} "
            f"{escaped(w.subject)[:14]:<14} {levels}"
        )
        if w.note:
            print(f"{'':12}— {escaped(w.note)}")
    print(f"\n{counted(len(rows), 'observed classroom')} in round {escaped(round_id)}.")
    return 0


def run_walkthrough_summary(args: argparse.Namespace) -> int:
    with Workspace.open(args.db, backup=False) as ws:
        round_id = round_of(ws, args.round)
        profile = ws.walkthrough_profile(round_id)
        component_names = {c.id: c.name for c in ws.round_model(round_id).components}
    if args.json:
        print(json.dumps({"round": round_id, **profile.to_json()}, indent=2, ensure_ascii=False))
        return 0
    print(render_profile(profile, round_id, component_names))
    return 0


def render_profile(
    profile: WalkthroughProfile, round_id: str, component_names: dict[str, str]
) -> str:
    """The profile as text: per group, per element, the classrooms at each level."""
    inst = profile.instrument
    if profile.n == 0:
        return f"No classroom walkthroughs in round {escaped(round_id)} yet."
    lines = [f"Classroom walkthroughs, round {escaped(round_id)}: {inst.label}", ""]
    heads = "  ".join(f"{label[:12]:>12}" for _, label in inst.levels)
    for group in (profile.overall, *profile.schools):
        lines.append(_group_title(group))
        lines.append(f"  {'Element':<36} {heads}   Informs")
        for element in inst.elements:
            ep = group.element(element.id)
            cells = "  ".join(
                f"{c:>4} ({share:>4.0%})" for c, share in zip(ep.counts, ep.shares, strict=True)
            )
            informs = ", ".join(component_names.get(c, c) for c in element.components)
            lines.append(f"  {element.label:<36} {cells}   {informs}")
        lines.append("")
    if profile.hidden:
        lines.append(
            f"{counted(profile.hidden, 'classroom')} from schools with fewer than "
            f"{profile.min_n} observed are counted in the overall profile only."
        )
    return "\n".join(lines).rstrip()


def _group_title(group: GroupProfile) -> str:
    title = f"{escaped(group.label)} (n = {group.n})"
    if group.merged:
        title += f": {counted(len(group.merged), 'school')} with fewer classrooms each, together"
    return title


def run_conditions_list(args: argparse.Namespace) -> int:
    inst = conditions_instrument()
    from onpoint_desktop.model_catalogue import shipped_model

    names = {c.id: c.name for c in shipped_model(inst.model_id).components}
    areas = {a.id: a.label for a in inst.readiness_areas}
    print(f"{inst.label}, after {inst.source}.\n")
    for c in inst.conditions:
        linked = ", ".join(names.get(x, x) for x in c.components)
        print(f"  {c.id:<26} {c.label}")
        print(f"  {'':<26} readiness: {areas[c.readiness]}; supports: {linked}")
    print("\nStates: " + ", ".join(f"{s.id} ({s.label})" for s in inst.states))
    return 0


def run_conditions_rate(args: argparse.Namespace) -> int:
    inst = conditions_instrument()
    state = None if args.state == "clear" else args.state
    with Workspace.open(args.db) as ws:
        ws.rate_condition(args.round, args.condition, state, args.note, args.author)
        rated = len(ws.conditions(args.round))
    label = inst.by_id[args.condition].label
    print(
        f"{label}: {inst.state_label(state)}. "
        f"{rated} of {len(inst.conditions)} conditions rated in round {escaped(args.round)}."
    )
    return 0


def run_conditions_show(args: argparse.Namespace) -> int:
    inst = conditions_instrument()
    with Workspace.open(args.db, backup=False) as ws:
        round_id = round_of(ws, args.round)
        current = ws.conditions(round_id)
        readiness = ws.readiness(round_id)
    if args.json:
        data = {
            "round": round_id,
            "instrument": inst.id,
            "conditions": [
                {
                    "id": c.id,
                    "label": c.label,
                    "readiness": c.readiness,
                    "components": list(c.components),
                    "state": current[c.id].state if c.id in current else None,
                    "note": current[c.id].note if c.id in current else None,
                }
                for c in inst.conditions
            ],
            "readiness": [
                {
                    "id": r.area,
                    "conditions": len(r.conditions),
                    "rated": r.rated,
                    "counts": r.counts,
                    "value": None if r.value is None else round(r.value, 3),
                }
                for r in readiness
            ],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"Conditions for scale, round {escaped(round_id)}\n")
    for c in inst.conditions:
        event = current.get(c.id)
        state = inst.state_label(event.state if event else None)
        print(f"  {c.label:<62} {state}")
        if event and event.note:
            print(f"  {'':<4}— {escaped(event.note)}")
    print("\nReadiness")
    labels = {a.id: a.label for a in inst.readiness_areas}
    for r in readiness:
        shown = "—" if r.value is None else f"{r.value:.0%} in place"
        print(f"  {labels[r.area]:<24} {shown:<14} ({r.rated} of {len(r.conditions)} rated)")
    return 0
