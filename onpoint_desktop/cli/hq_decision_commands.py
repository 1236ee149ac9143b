"""HQ's decisions: ``hq signers``, ``hq trust``, ``hq revoke``, ``hq resolve`` (SPEC §9).

Signers are named by their key fingerprint (or a unique prefix of 8+ characters), never
by name.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from onpoint_desktop import framework
from onpoint_desktop.english import counted
from onpoint_desktop.limits import escaped


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("signers", help="signer keys: trusted, pending (held aside), revoked")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON list")
    p.set_defaults(run=run_signers)

    p = sub.add_parser("trust", help="trust a signer key and merge the bundles held for it")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("fingerprint", metavar="FINGERPRINT")
    p.set_defaults(run=run_trust)

    p = sub.add_parser("revoke", help="refuse a signer key's bundles from now on")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("fingerprint", metavar="FINGERPRINT")
    p.set_defaults(run=run_revoke)

    p = sub.add_parser("resolve", help="HQ's decision on a conflict (wins in any merge order)")
    p.add_argument("hq_db", metavar="HQ_DB", type=Path)
    p.add_argument("district", metavar="DISTRICT", help="district name or UUID")
    p.add_argument("round", metavar="ROUND")
    p.add_argument("area", metavar="AREA", help="focus area id ('onpoint areas' lists them)")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--level", type=int, metavar="L", help="the level HQ keeps (0: unrated)")
    choice.add_argument("--keep", metavar="FINGERPRINT", help="keep this signer's view of the area")
    p.set_defaults(run=run_resolve)


def run_signers(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_signers import signers
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        found = signers(hq)
    if args.json:
        print(json.dumps([s.to_json() for s in found], indent=2, ensure_ascii=True))
        return 0
    if not found:
        print("No signers yet: merge a bundle first.")
        return 0
    print(f"{'Status':<8} {'Fingerprint':<32}  {'Bundles':>7}  Name, consultant id, districts")
    for s in found:
        bundles = f"{s.bundles}" + (f"+{s.pending_bundles} held" if s.pending_bundles else "")
        districts = ", ".join(escaped(name) for _, name in s.districts) or "—"
        print(
            f"{s.status:<8} {s.fingerprint:<32}  {bundles:>7}  {escaped(s.name)}, "
            f"{s.consultant_id}, {districts}"
        )
        if s.same_name_as:
            print(f"{'':<8} ! same name as trusted key {', '.join(s.same_name_as)}")
        if s.same_consultant_id_as:
            print(
                f"{'':<8} ! same consultant id as trusted key {', '.join(s.same_consultant_id_as)}"
            )
    pending = [s for s in found if s.status == "pending"]
    if pending:
        print(
            f"\n{counted(len(pending), 'signer')} pending. Check a fingerprint with its "
            f"consultant (they see it under 'onpoint bundle export'), then: "
            f"onpoint hq trust {args.hq_db} FINGERPRINT"
        )
    return 0


def run_trust(args: argparse.Namespace) -> int:
    from onpoint_desktop.cli.hq_commands import render_outcome
    from onpoint_desktop.sync.hq_decisions import trust_signer
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        result = trust_signer(hq, args.fingerprint)
    s = result.signer
    was = "already trusted" if s.status == "trusted" else f"was {s.status}"
    print(f"Trusted {escaped(s.name)} (key {s.fingerprint}; {was}).")
    if s.same_name_as:
        print(f"  ! another trusted key has the same name: {', '.join(s.same_name_as)}")
    if result.merged:
        merged = sum(o.status == "merged" for o in result.merged)
        print(f"Merged {merged} of the {counted(len(result.merged), 'bundle')} held aside for it:")
        for o in result.merged:
            print(render_outcome(o))
    return 1 if any(o.status == "refused" for o in result.merged) else 0


def run_revoke(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_decisions import revoke_signer
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        result = revoke_signer(hq, args.fingerprint)
    s = result.signer
    print(
        f"Revoked {escaped(s.name)} (key {s.fingerprint}): its bundles are refused from now "
        f"on; the {counted(s.bundles, 'bundle')} merged before stay."
    )
    if result.dropped:
        print(f"Dropped {counted(result.dropped, 'bundle')} held aside for it.")
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_decisions import resolve
    from onpoint_desktop.sync.hq_store import HQStore

    with HQStore.open(args.hq_db) as hq:
        done = resolve(hq, args.district, args.round, args.area, level=args.level, keep=args.keep)
    fw = framework.framework()
    area = fw.areas[done.area_id].label
    how = (
        f"keeping {escaped(done.keep.name)}'s view (key {done.keep.fingerprint})"
        if done.keep
        else "as HQ set it"
    )
    print(
        f"{escaped(done.district)}, round {escaped(done.round_id)}, {area}: HQ keeps "
        f"{fw.level_label(done.level)}, {how}. This decision wins whatever is merged later."
    )
    return 0
