"""HQ commands: ``hq init``, ``hq public-key``, ``hq merge``, ``hq list``, ``hq benchmark``.

Signers and conflicts (``hq signers``, ``hq trust``, ``hq revoke``, ``hq resolve``) are in
``hq_decision_commands``. Every name that came from a bundle is printed with control
characters escaped (``limits.escaped``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from onpoint_desktop import framework
from onpoint_desktop.english import counted
from onpoint_desktop.limits import escaped
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID


def register(commands: argparse._SubParsersAction) -> None:
    hq = commands.add_parser("hq", help="headquarters: merge bundles, signers, list, benchmarks")
    sub = hq.add_subparsers(dest="hq_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("init", help="create an HQ store and HQ's encryption and signing keys")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument(
        "--public-key", required=True, metavar="OUT", type=Path, help="shareable public key file"
    )
    p.set_defaults(run=run_init)

    p = sub.add_parser("public-key", help="write HQ's shareable public key file again")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("-o", "--output", required=True, metavar="OUT", type=Path)
    p.set_defaults(run=run_public_key)

    p = sub.add_parser("merge", help="check and merge bundles into the HQ store")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("files", metavar="FILE", type=Path, nargs="+")
    p.add_argument(
        "--trust-new-signers",
        action="store_true",
        help="for scripts: trust every signer key not trusted yet (each is printed); "
        "otherwise their bundles are held aside until 'hq trust'",
    )
    p.set_defaults(run=run_merge)

    p = sub.add_parser("list", help="districts, rounds, levels, respondents, scores, conflicts")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON document (onpoint-hq-list/1)")
    p.set_defaults(run=run_list)

    p = sub.add_parser(
        "walkthroughs", help="the Core Four profile of observed classrooms, per stage"
    )
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(run=run_walkthroughs)

    p = sub.add_parser("benchmark", help="build the signed benchmark pack consultants import")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("-o", "--output", required=True, metavar="OUT", type=Path)
    p.add_argument(
        "--model",
        default=DEFAULT_MODEL_ID,
        help=f"the scoring model whose rounds it describes (default: {DEFAULT_MODEL_ID})",
    )
    p.add_argument("--name", help="the pack's name (default: Onpoint national benchmark)")
    p.add_argument("--date", help="the pack's date, YYYY-MM-DD (default: today)")
    p.set_defaults(run=run_benchmark)

    p = sub.add_parser(
        "report", help="the national picture as a Word document: stages, distributions, trends"
    )
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("-o", "--output", required=True, metavar="OUT", type=Path, help="a .docx file")
    p.set_defaults(run=run_report)

    from onpoint_desktop.cli import calibration_commands

    calibration_commands.register_hq(sub)

    p = sub.add_parser(
        "model-pack", help="publish a new scoring model: a signed model pack from a folder"
    )
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument(
        "folder", metavar="DIR", type=Path, help="laid out like resources/, with the new model"
    )
    p.add_argument("-o", "--output", required=True, metavar="PACK", type=Path)
    p.add_argument("--model", help="the model to publish, when DIR/models holds several new ones")
    p.set_defaults(run=run_model_pack)

    from onpoint_desktop.cli import hq_decision_commands

    hq_decision_commands.register(sub)


def run_init(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync import keys
    from onpoint_desktop.sync.hq_store import create_hq

    hq, public = create_hq(args.hq_db, args.public_key)
    hq.close()
    print(f"Created HQ store {args.hq_db}.")
    print(f"HQ's {public.describe()}.")
    print(f"Public keys written to {args.public_key}; send it to consultants")
    print("('onpoint hq-key import FILE').")
    print(
        f"The private keys are {keys.hq_private_key_path(args.hq_db)} and "
        f"{keys.hq_signing_key_path(args.hq_db)} (owner-only); keep them with the store and "
        "back all three up: without them, encrypted bundles cannot be opened and packs "
        "cannot be signed."
    )
    return 0


def run_public_key(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_store import HQStore, write_public_key

    with HQStore.open(args.hq_db) as hq:
        public = write_public_key(hq, args.output)
    print(f"Wrote HQ's public keys to {args.output}: {public.describe()}.")
    print("Consultants import it with 'onpoint hq-key import FILE' (--replace if asked).")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_store import HQStore
    from onpoint_desktop.sync.merge import merge_bundles

    with HQStore.open(args.hq_db) as hq:
        summary = merge_bundles(hq, args.files, trust_new_signers=args.trust_new_signers)
    print(
        f"Merged {counted(summary.count('merged'), 'bundle')}, "
        f"{summary.count('already-merged')} already merged, "
        f"{summary.count('pending')} held aside, {summary.count('refused')} refused."
    )
    for fingerprint, name in summary.trusted_now.items():
        print(f"  TRUSTED  new signer {escaped(name)}, key {fingerprint} (--trust-new-signers)")
    for o in summary.outcomes:
        print(render_outcome(o))
    if summary.pending:
        keys_held = dict.fromkeys(o.fingerprint for o in summary.pending)
        print(
            f"{counted(len(summary.pending), 'bundle')} held aside from "
            f"{counted(len(keys_held), 'signer')} this HQ store does not trust yet. Check each "
            f"fingerprint with its consultant, then: onpoint hq trust {args.hq_db} FINGERPRINT"
        )
    print(render_conflicts(summary.conflicts, "Conflicts in the merged districts"))
    if summary.refused:
        sys.stderr.write(
            f"onpoint: error: {counted(len(summary.refused), 'bundle')} refused (nothing of "
            "them was written); see above.\n"
        )
        return 1
    return 0


def render_outcome(o) -> str:
    """One line (or two, with a flag) for one bundle of a merge run."""
    who = f"{escaped(o.consultant)} (key {o.fingerprint})" if o.fingerprint else ""
    if o.status == "merged" and "calibration_ratings" in o.added:  # a case rated blind
        line = (
            f"  merged   {o.source}: calibration case {escaped(o.district)}, by {who}: "
            f"+{counted(o.added['calibration_ratings'], 'calibration rating')}"
        )
    elif o.status == "merged":
        a = o.added
        line = (
            f"  merged   {o.source}: {escaped(o.district)}, by {who}: "
            f"+{counted(a['rounds'], 'round')}, "
            f"+{counted(a['rating_events'], 'rating event')}, "
            f"+{counted(a['survey_responses'], 'response')}"
            + "".join(
                f", +{counted(a[key], noun)}"
                for key, noun in (
                    ("walkthroughs", "walkthrough"),
                    ("condition_events", "condition"),
                )
                if a.get(key)
            )
        )
        if a.get("action_events"):
            line += f", +{counted(a['action_events'], 'action-plan event')}"
        if a.get("survey_responses_removed"):
            line += f", {counted(a['survey_responses_removed'], 'response')} removed"
    elif o.status == "already-merged":
        line = f"  already  {o.source}: {escaped(o.district)} (nothing changed)"
    elif o.status == "pending":
        line = f"  HELD     {o.source}: {escaped(o.district)}, signed by {who}: not trusted yet"
    else:
        line = f"  REFUSED  {o.source} [{o.reason}]: {escaped(o.message)}"
    for kind, others in (("name", o.same_name_as), ("consultant id", o.same_consultant_id_as)):
        if others:
            line += f"\n           ! same {kind} as trusted signer {escaped(', '.join(others))}"
    return line


def render_conflicts(conflicts, title: str) -> str:
    from onpoint_desktop.sync.conflict_text import conflict_text

    if not conflicts:
        return f"{title}: none."
    open_ = sum(not c.resolved for c in conflicts)
    lines = [f"{title}: {len(conflicts)} ({open_} unresolved)"]
    for c in conflicts:
        text = conflict_text(c)
        lines.append(
            f"  {escaped(c.district)}, {escaped(c.round_id)}, {escaped(text.area)}: "
            f"HQ keeps {escaped(text.keeps)}; {escaped(text.views)}"
        )
    return "\n".join(lines)


def run_list(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_overview import reading, write_overview
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        if args.json:
            write_overview(hq, sys.stdout)
            return 0
        with reading(hq) as read:
            lines = render_list(read)
            while chunk := list(itertools.islice(lines, 2000)):  # national: 100,000 lines
                sys.stdout.write("\n".join(chunk) + "\n")
        print()
        print(render_conflicts(read.found, "Conflicts"))
    return 0


def run_walkthroughs(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_evidence import stage_profiles_json
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        doc = stage_profiles_json(hq)
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=True))
        return 0
    if not doc["stages"]:
        print("No stage has enough observed classrooms to show a profile yet.")
        return 0
    from onpoint_desktop.evidence.instruments import walkthrough_instrument

    labels = {e.id: e.label for e in walkthrough_instrument().elements}
    print(f"{'':<36}" + "".join(f"{label:>14}" for label in doc["levels"]))
    for stage in doc["stages"]:
        print(
            f"{stage['label']}: {counted(stage['n'], 'classroom')} in "
            f"{counted(stage['districts'], 'district')}"
        )
        for element, data in stage["elements"].items():
            shares = "".join(f"{count / stage['n']:>14.0%}" for count in data["counts"])
            print(f"  {labels.get(element, element):<34}{shares}")
    return 0


def render_list(read) -> Iterator[str]:
    """The readable ``hq list`` of a reading of the store (``hq_overview.reading``): one
    block per district, one line per round."""
    from onpoint_desktop.sync.hq_overview import listed_districts, overview_head

    fw = framework.framework()
    doc = overview_head(read)
    counts = doc["counts"]
    yield (
        f"{counted(counts['districts'], 'district')}, {counted(counts['rounds'], 'round')}, "
        f"{counted(counts['merged_bundles'], 'bundle')} from "
        f"{counted(counts['signers'], 'signer')}; {counted(doc['conflicts'], 'conflict')}. "
        f"Scores against: {escaped(doc['benchmark'])}."
    )
    yield (
        "Levels: one digit per focus area in framework order (categories separated by "
        "spaces, the data row last); '.' unrated. Rank: the total's percentile rank in its "
        "stage (each district's latest complete round)."
    )
    if counts.get("pending_bundles"):
        yield (
            f"{counted(counts['pending_bundles'], 'bundle')} held aside from signers not "
            "trusted yet: see 'onpoint hq signers'."
        )
    digits = _LevelDigits(fw)
    for d, rounds in listed_districts(read, heads=True):
        signers = ", ".join(escaped(s["name"]) for s in d["signers"])
        yield ""
        yield f"{escaped(d['name'])}  ({d['uuid']})"
        if d["same_name_as"]:
            yield (
                f"  ! another district has this name: {', '.join(d['same_name_as'])} "
                "(a re-created workspace, or two districts to tell apart)"
            )
        yield f"  {counted(d['bundles'], 'bundle')} by {signers}"
        yield (
            f"  {'Round':<10} {'Stage':<9} {'Levels':<31} {'Teachers':>8} {'Leaders':>7} "
            f"{'Total':>6} {'Rank':>5}  Complete  Model"
        )
        for r in rounds:
            total = "—" if r["total"] is None else f"{r['total']:.1f}"
            rank = "—" if r["percentile_rank"] is None else f"{r['percentile_rank']:.0f}"
            yield (
                f"  {escaped(r['id']):<10} {fw.stage_label(r['stage']):<9} "
                f"{digits(r['levels']):<31} "
                f"{r['respondents'].get('teacher', 0):>8} {r['respondents'].get('leader', 0):>7} "
                f"{total:>6} {rank:>5}  {'yes' if r['complete'] else 'no':<8}  {r['model']}"
            )


class _LevelDigits:
    """One digit per focus area ('.' unrated), in framework order, categories separated by
    spaces: a national list draws 39,000 boards."""

    def __init__(self, fw) -> None:
        self.order = [a.id for category in fw.categories for a in category.areas]
        self.cuts = []  # where each category's digits end
        for category in fw.categories:
            self.cuts.append((self.cuts[-1] if self.cuts else 0) + len(category.areas))

    def __call__(self, levels: dict[str, int]) -> str:
        if list(levels) == self.order:  # a full board, kept in framework order: its values
            digits = "".join(map(str, levels.values()))
        else:
            digits = "".join([str(levels[a]) if a in levels else "." for a in self.order])
        starts = [0, *self.cuts[:-1]]
        return " ".join([digits[a:b] for a, b in zip(starts, self.cuts, strict=True)])


def run_benchmark(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.benchmark_pack import MIN_DISTRICTS, write_pack
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        result = write_pack(hq, args.output, name=args.name, date=args.date, model_id=args.model)
    fw = framework.framework()
    bm = result.benchmark
    print(
        f"Wrote benchmark pack '{escaped(bm.name)}' ({bm.date}, model {bm.model_id}) to "
        f"{args.output}, signed by HQ."
    )
    for stage, sb in bm.stages.items():
        t = sb.total
        print(
            f"  {fw.stage_label(stage):<9} {sb.n_districts:>3} districts   total p25 {t.p25:.0f} "
            f"· median {t.p50:.0f} · p75 {t.p75:.0f}"
        )
    for stage, n in result.stages_withheld.items():
        print(
            f"  {fw.stage_label(stage):<9} withheld: {counted(n, 'district')}, fewer than "
            f"{MIN_DISTRICTS}"
        )
    print("HQ's lists now score against this pack.")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from onpoint_desktop.errors import InputError
    from onpoint_desktop.sync.hq_report import write_hq_report
    from onpoint_desktop.sync.hq_store import HQStore

    if args.output.suffix.lower() != ".docx":
        raise InputError(f"{args.output}: the HQ report is a Word document; name it .docx.")
    with HQStore.open(args.hq_db) as hq:
        picture = write_hq_report(hq, args.output)
    print(
        f"Wrote the national picture of {counted(picture.districts, 'district')} "
        f"({counted(picture.rounds, 'round')}) to {args.output}."
    )
    return 0


def run_model_pack(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_store import HQStore
    from onpoint_desktop.sync.model_pack import build_model_pack

    with HQStore.open(args.hq_db) as hq:
        model = build_model_pack(hq, args.folder, args.output, model_id=args.model)
    components = ", ".join(c.name for c in model.components)
    print(f"Wrote model pack {model.id} ({model.name}) to {args.output}, signed by HQ.")
    print(f"  {len(model.components)} components: {components}")
    print(
        f"  instruments: {', '.join(i.id for i in model.instruments.values())}; min_n {model.min_n}"
    )
    print(f"HQ scores rounds with {model.id} from now on. Consultants install it with")
    print(f"'onpoint model import DB {args.output}'.")
    return 0
