"""Consultant-side sync commands: bundle export/verify, hq-key import, benchmark import."""

from __future__ import annotations

import argparse
from pathlib import Path

from onpoint_desktop.english import counted
from onpoint_desktop.limits import escaped
from onpoint_desktop.sync import keys
from onpoint_desktop.sync.format import plan_counts_text


def register(commands: argparse._SubParsersAction) -> None:
    bundle = commands.add_parser("bundle", help="signed sync bundles for HQ")
    sub = bundle.add_subparsers(dest="bundle_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("export", help="export a district as a signed (encrypted) bundle")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("-o", "--output", required=True, metavar="OUT", type=Path)
    p.add_argument(
        "--unencrypted", action="store_true", help="do not encrypt, even with HQ's key configured"
    )
    p.set_defaults(run=run_export)
    p = sub.add_parser("verify", help="check a bundle's format, hashes and signature")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument(
        "--hq", metavar="HQ_DB", type=Path, help="an HQ store: decrypt, and check the signer"
    )
    p.set_defaults(run=run_verify)

    p = commands.add_parser("hq-key", help="HQ's public key, to encrypt bundles for HQ")
    sub = p.add_subparsers(dest="hq_key_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("import", help="trust HQ's public key (the file 'hq init' wrote)")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the HQ key you trust now (check the new fingerprints with HQ first)",
    )
    p.set_defaults(run=run_hq_key_import)

    p = commands.add_parser("benchmark", help="benchmark packs from HQ")
    sub = p.add_subparsers(dest="benchmark_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("import", help="use an HQ benchmark pack in a workspace")
    p.add_argument("db", metavar="DB", type=Path)
    p.add_argument("file", metavar="FILE", type=Path)
    p.set_defaults(run=run_benchmark_import)


def evidence_counts(counts: dict) -> str:
    """ ", 44 walkthroughs, 10 condition events" when a bundle carries visit evidence."""
    shown = [
        counted(counts[key], noun)
        for key, noun in (("walkthroughs", "walkthrough"), ("condition_events", "condition event"))
        if counts.get(key)
    ]
    return "".join(f", {text}" for text in shown)


def run_export(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.bundle import export_bundle

    result = export_bundle(args.db, args.output, seal=not args.unencrypted)
    counts = result.counts
    print(
        f"Exported {escaped(result.district)} to {result.path} ({result.size:,} bytes): "
        f"{counted(counts['rounds'], 'round')}, "
        f"{counted(counts['rating_events'], 'rating event')}, "
        f"{counted(counts['survey_responses'], 'survey response')}"
        f"{plan_counts_text(counts)}{evidence_counts(counts)}."
    )
    if result.calibration_case:
        print(
            f"It carries your ratings of the calibration case {escaped(result.district)} "
            "back to HQ, which compares them with its own; they never become a district."
        )
    signer = keys.identity()
    print(
        f"Signed by {escaped(signer.name)} (consultant {signer.consultant_id}, key "
        f"{signer.fingerprint}): HQ trusts this key once it has checked that fingerprint "
        "with you."
    )
    if result.fitted:
        print(
            f"{counted(result.fitted, 'text')} recorded before the current limits (names "
            "over 200 characters, notes over 20,000, control characters) went into the "
            "bundle shortened or cleaned; the workspace keeps them as they are."
        )
    if result.sealed_for:
        print(f"Encrypted for HQ (key {result.sealed_for}).")
    else:
        print(
            "Not encrypted: no HQ key is configured. Import HQ's public key with "
            "'onpoint hq-key import FILE' to encrypt bundles."
        )
    return 0


SIGNER_WORDS = {
    "own": "this installation's own key",
    "unchecked": "signature valid (use --hq HQ_DB to check it against HQ's signers)",
    "trusted": "trusted by this HQ store",
    "new": "new to this HQ store: a merge holds its bundles aside until 'onpoint hq trust'",
    "pending": "not trusted yet (its bundles are held aside until 'onpoint hq trust')",
    "revoked": "revoked by this HQ store",
}


def run_verify(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.check import check_bundle
    from onpoint_desktop.sync.hq_store import HQStore

    hq = HQStore.open(args.hq) if args.hq else None
    try:
        check = check_bundle(args.file, hq)
    finally:
        if hq is not None:
            hq.close()
    if check.verdict == "sealed":
        print(
            f"{args.file}: encrypted for HQ (key {check.sealed_for}). Its contents, hashes "
            "and signature can be verified only by HQ ('onpoint bundle verify FILE --hq "
            "HQ_DB')."
        )
        return 0
    if check.verdict == "refused":
        raise check.refusal
    bundle = check.bundle
    if check.verdict == "already-merged":
        print(f"{args.file}: already merged into {args.hq}; merging it again changes nothing.")
        return 0
    print(f"{args.file}: valid bundle (format, sizes, hashes, signature and records checked).")
    print(f"  Bundle      {bundle.bundle_id}, {bundle.format}, created {bundle.created_at}")
    print(f"  District    {escaped(bundle.district_name)} ({bundle.district_uuid})")
    print(f"  Workspace   {bundle.workspace_uuid}")
    print(
        f"  Versions    app {escaped(str(bundle.manifest.get('app_version')))}, "
        f"scoring model {escaped(bundle.model)}"
    )
    c = bundle.counts
    print(
        f"  Contents    {counted(c['rounds'], 'round')}, "
        f"{counted(c['rating_events'], 'rating event')}, "
        f"{counted(c['survey_responses'], 'survey response')}{plan_counts_text(c)}"
        f"{evidence_counts(c)}"
    )
    print(
        f"  Encrypted   for HQ key {bundle.sealed_for}" if bundle.sealed_for else "  Encrypted   no"
    )
    print(
        f"  Signer      {escaped(bundle.consultant_name)} ({bundle.consultant_id}), "
        f"key {bundle.signer_fingerprint}: {SIGNER_WORDS[check.signer]}"
    )
    for kind, others in (
        ("name", check.same_name_as),
        ("consultant id", check.same_consultant_id_as),
    ):
        if others:
            print(f"  !           same {kind} as trusted signer {escaped(', '.join(others))}")
    return 0


def run_hq_key_import(args: argparse.Namespace) -> int:
    key, previous = keys.import_hq_key(args.file, replace=args.replace)
    print(f"HQ's public key imported: {key.describe()}.")
    print("Bundles you export are now encrypted for HQ", end="")
    print(
        ", and benchmark packs must be signed by this key."
        if key.signing_key is not None
        else "; this older key file has no signing key, so HQ's signed packs cannot be "
        "checked until you import HQ's current key file."
    )
    if previous is not None and previous.to_json() != key.to_json():
        print(f"It replaces the HQ key you trusted before: {previous.describe()}.")
    return 0


def run_benchmark_import(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.benchmark_pack import import_pack
    from onpoint_desktop.workspace import Workspace

    with Workspace.open(args.db) as ws:
        benchmark = import_pack(ws, args.file)
        stages = ", ".join(
            f"{ws.framework.stage_label(s)} ({sb.n_districts} districts)"
            for s, sb in benchmark.stages.items()
        )
        print(f"Imported benchmark pack '{benchmark.label}' ({benchmark.date}): {stages}.")
        missing = [
            ws.framework.stage_label(s) for s in ws.framework.stage_ids if s not in benchmark.stages
        ]
        if missing:
            print(f"Withheld by HQ (too few districts): {', '.join(missing)}; no bands there.")
        latest = ws.latest_round()
        if latest is not None:
            score = ws.score(latest.id)
            total = "—" if score.total is None else f"{score.total:.1f}"
            band = f", {score.total_band} the benchmark" if score.total_band else ""
            print(f"Round {latest.id}: Onpoint score {total}{band}.")
    return 0
