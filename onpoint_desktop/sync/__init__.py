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

HQ
    ``HQStore.create(path)`` / ``HQStore.open(path)``
    ``merge_bundles(hq, files, trust_new_signers=, progress=, cancel=)`` → ``MergeSummary``
                                           (Cancel: ``MergeCancelled`` with the partial summary)
    ``overview(hq)``                       the ``hq list --json`` document
    ``conflicts(hq.conn)``                 where signers' boards disagree
    ``write_pack(hq, out)``                build the benchmark pack, signed with HQ's key
    ``signed.write_signed(out, kind, document, hq.signing_key())``   sign anything HQ publishes
"""

from onpoint_desktop.sync.benchmark_pack import PackResult, import_pack, write_pack
from onpoint_desktop.sync.bundle import ExportResult, export_bundle
from onpoint_desktop.sync.conflicts import Conflict, conflicts
from onpoint_desktop.sync.format import BUNDLE_SUFFIX, BundleRefused, Limits
from onpoint_desktop.sync.hq_overview import overview
from onpoint_desktop.sync.hq_store import HQStore, canonical_dump
from onpoint_desktop.sync.keys import Identity, configured_hq_key, identity, import_hq_key
from onpoint_desktop.sync.merge import BundleOutcome, MergeCancelled, MergeSummary, merge_bundles
from onpoint_desktop.sync.verify import VerifiedBundle, open_bundle

__all__ = [
    "BUNDLE_SUFFIX",
    "BundleOutcome",
    "BundleRefused",
    "Conflict",
    "ExportResult",
    "HQStore",
    "Identity",
    "Limits",
    "MergeCancelled",
    "MergeSummary",
    "PackResult",
    "VerifiedBundle",
    "canonical_dump",
    "configured_hq_key",
    "conflicts",
    "export_bundle",
    "identity",
    "import_hq_key",
    "import_pack",
    "merge_bundles",
    "open_bundle",
    "overview",
    "write_pack",
]
