"""Sync bundles and the HQ side (SPEC §5): signing, encryption, verify, merge, benchmark packs.

The API the GUI and the CLI use (long work takes ``progress(done, total)`` and
``cancel()`` callables and raises ``errors.Cancelled`` with nothing changed):

Consultant
    ``identity()``                         this installation's signer (created on first use)
    ``import_hq_key(path, replace=)`` / ``configured_hq_key()``   HQ's public keys
    ``export_bundle(db, out, progress=, cancel=)``    → ``ExportResult``
    ``open_bundle(path)``                  verify a bundle → ``VerifiedBundle`` or ``BundleRefused``
    ``import_pack(ws, path)``              use an HQ benchmark pack (signed by HQ) in a workspace
    ``signed.read_signed(path, kind)``     check a document HQ signed (packs, model packs…)

Both
    ``check_bundle(path, hq=None)``        would HQ merge it, and if not, why → ``BundleCheck``

HQ
    ``HQStore.create(path)`` / ``HQStore.open(path)``
    ``merge_bundles(hq, files, trust_new_signers=, progress=, cancel=)`` → ``MergeSummary``
                                           (Cancel: ``MergeCancelled`` with the partial summary)
    ``signers(hq)`` / ``trust_signer(hq, fp)`` / ``revoke_signer(hq, fp)``   by key fingerprint
    ``overview(hq)``                       the ``hq list --json`` document
    ``conflicts(hq.conn)``                 where signers' boards disagree
    ``resolve(hq, district, round, area, level= | keep=)``   HQ's decision on a conflict
    ``pack_readiness(hq)``                 can a benchmark pack be built, in plain words
    ``write_pack(hq, out)``                build the benchmark pack, signed with HQ's key
    ``signed.write_signed(out, kind, document, hq.signing_key())``   sign anything HQ publishes
"""

import importlib
from typing import TYPE_CHECKING, Any

# Imported now: its module has the same name, which importing the module would otherwise
# leave in its place here (and it is small).
from onpoint_desktop.sync.conflicts import Conflict, conflicts

if TYPE_CHECKING:  # what the names are (and, for the packager, where they live)
    from onpoint_desktop.sync.benchmark_pack import (
        PackReadiness,
        PackResult,
        import_pack,
        pack_readiness,
        write_pack,
    )
    from onpoint_desktop.sync.bundle import ExportResult, export_bundle
    from onpoint_desktop.sync.check import BundleCheck, check_bundle
    from onpoint_desktop.sync.format import BUNDLE_SUFFIX, BundleRefused, Limits
    from onpoint_desktop.sync.hq_decisions import resolve, revoke_signer, trust_signer
    from onpoint_desktop.sync.hq_overview import overview
    from onpoint_desktop.sync.hq_signers import Signer, signers
    from onpoint_desktop.sync.hq_store import HQStore, canonical_dump
    from onpoint_desktop.sync.keys import Identity, configured_hq_key, identity, import_hq_key
    from onpoint_desktop.sync.merge import (
        BundleOutcome,
        MergeCancelled,
        MergeSummary,
        merge_bundles,
    )
    from onpoint_desktop.sync.verify import VerifiedBundle, open_bundle

_WHERE = {  # each name of the API → the module that defines it
    "BUNDLE_SUFFIX": "format",
    "BundleCheck": "check",
    "BundleOutcome": "merge",
    "BundleRefused": "format",
    "canonical_dump": "hq_store",
    "check_bundle": "check",
    "configured_hq_key": "keys",
    "export_bundle": "bundle",
    "ExportResult": "bundle",
    "HQStore": "hq_store",
    "Identity": "keys",
    "identity": "keys",
    "import_hq_key": "keys",
    "import_pack": "benchmark_pack",
    "Limits": "format",
    "merge_bundles": "merge",
    "MergeCancelled": "merge",
    "MergeSummary": "merge",
    "open_bundle": "verify",
    "overview": "hq_overview",
    "pack_readiness": "benchmark_pack",
    "PackReadiness": "benchmark_pack",
    "PackResult": "benchmark_pack",
    "resolve": "hq_decisions",
    "revoke_signer": "hq_decisions",
    "Signer": "hq_signers",
    "signers": "hq_signers",
    "trust_signer": "hq_decisions",
    "VerifiedBundle": "verify",
    "write_pack": "benchmark_pack",
}


def __getattr__(name: str) -> Any:
    """Import the module of an API name when it is first asked for (PEP 562): a command
    that lists a store need not load signing, merging and benchmark packs too."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BUNDLE_SUFFIX",
    "BundleCheck",
    "BundleOutcome",
    "BundleRefused",
    "Conflict",
    "ExportResult",
    "HQStore",
    "Identity",
    "Limits",
    "MergeCancelled",
    "MergeSummary",
    "PackReadiness",
    "PackResult",
    "Signer",
    "VerifiedBundle",
    "canonical_dump",
    "check_bundle",
    "configured_hq_key",
    "conflicts",
    "export_bundle",
    "identity",
    "import_hq_key",
    "import_pack",
    "merge_bundles",
    "open_bundle",
    "overview",
    "pack_readiness",
    "resolve",
    "revoke_signer",
    "signers",
    "trust_signer",
    "write_pack",
]
