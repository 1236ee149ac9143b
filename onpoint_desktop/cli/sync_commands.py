"""Consultant-side sync commands: bundle export/verify, hq-key import, benchmark import."""

from __future__ import annotations

import argparse
from pathlib import Path

from onpoint_desktop.english import counted
from onpoint_desktop.sync import envelope, keys
from onpoint_desktop.sync.format import BundleRefused


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


def run_export(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.bundle import export_bundle

    result = export_bundle(args.db, args.output, seal=not args.unencrypted)
    counts = result.counts
    print(
        f"Exported {result.district} to {result.path} ({result.size:,} bytes): "
        f"{counted(counts['rounds'], 'round')}, "
        f"{counted(counts['rating_events'], 'rating event')}, "
        f"{counted(counts['survey_responses'], 'survey response')}."
    )
    signer = keys.identity()
    print(f"Signed by {signer.name} (consultant {signer.consultant_id}, key {signer.fingerprint}).")
    if result.sealed_for:
        print(f"Encrypted for HQ (key {result.sealed_for}).")
    else:
        print(
            "Not encrypted: no HQ key is configured. Import HQ's public key with "
            "'onpoint hq-key import FILE' to encrypt bundles."
        )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from onpoint_desktop.sync.hq_store import HQStore
    from onpoint_desktop.sync.verify import open_bundle

    hq = HQStore.open(args.hq) if args.hq else None
    try:
        if hq is None and _sealed(args.file):
            header, _ = envelope.read_header(args.file.read_bytes(), str(args.file))
            print(
                f"{args.file}: encrypted for HQ (key {header.recipient}). Its contents, hashes "
                "and signature can be verified only by HQ ('onpoint bundle verify FILE --hq "
                "HQ_DB')."
            )
            return 0
        bundle = open_bundle(args.file, hq_private_key=hq.private_key() if hq else None)
        signer_status = _signer_status(bundle, hq)
        print(f"{args.file}: valid bundle (format, sizes, hashes and signature checked).")
        print(f"  Bundle      {bundle.bundle_id}, created {bundle.created_at}")
        print(f"  District    {bundle.district_name} ({bundle.district_uuid})")
        print(f"  Workspace   {bundle.content.workspace_uuid}")
        print(
            f"  Versions    app {bundle.manifest.get('app_version')}, "
            f"scoring model {bundle.content.model}"
        )
        c = bundle.content.counts()
        print(
            f"  Contents    {counted(c['rounds'], 'round')}, "
            f"{counted(c['rating_events'], 'rating event')}, "
            f"{counted(c['survey_responses'], 'survey response')}"
        )
        print(
            f"  Encrypted   for HQ key {bundle.sealed_for}"
            if bundle.sealed_for
            else "  Encrypted   no"
        )
        print(
            f"  Signer      {bundle.consultant_name} ({bundle.consultant_id}), "
            f"key {bundle.signer_fingerprint}: {signer_status}"
        )
    finally:
        if hq is not None:
            hq.close()
    return 0


def _sealed(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return envelope.is_sealed(fh.read(len(envelope.MAGIC)))
    except OSError:
        return False


def _signer_status(bundle, hq) -> str:
    if hq is None:
        own = keys.existing_identity()
        if own is not None and own.public_key == bundle.public_key:
            return "this installation's own key"
        return "signature valid (use --hq HQ_DB to check it against HQ's trusted signers)"
    status = hq.signer_status(bundle.consultant_id, bundle.public_key)
    if status == "new":
        return "new to this HQ store (merge with --trust-new-signers to trust it)"
    if status == "key-mismatch":
        raise BundleRefused(
            "signer-key-mismatch",
            f"{bundle.source} claims consultant id {bundle.consultant_id} but is signed with a "
            "different key than the one this HQ store trusts for it; it would be refused.",
        )
    return "known to this HQ store"


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
