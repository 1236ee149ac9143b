"""Check a bundle against HQ: the one answer to "would HQ merge this, and if not, why?"

:func:`check_bundle` is used by the merge (``merge``), by ``onpoint bundle verify`` and by
the app's "Verify a bundle…". Without an HQ store it checks what a consultant can: the
format, sizes, hashes, signature and records (a bundle encrypted for HQ cannot be opened
there, and says so). With an HQ store it also decides as HQ does, on the signed manifest
alone and before any record is read:

``already-merged``  the same bundle (id and content) was merged before;
``pending``         its signer's key is not trusted (yet): held aside, not read;
``refused``         revoked signer, ratings of a calibration case HQ did not publish
                    (``unknown-case``), a reused bundle id, or anything the reader refuses —
                    ``from-the-future`` included: a bundle dated, or holding an event
                    dated, more than 48 hours after HQ's clock (``FUTURE_ALLOWANCE``);
``acceptable``      every check passed: the merge applies it.

Look-alikes are flagged, never decisive: a trusted key with the same signer name or the
same consultant id as another key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from onpoint_desktop import clock
from onpoint_desktop.errors import BundleError
from onpoint_desktop.sync import calibration_ratings, envelope, hq_signers, keys
from onpoint_desktop.sync.format import DEFAULT_LIMITS, BundleRefused, Limits
from onpoint_desktop.sync.hq_store import HQStore
from onpoint_desktop.sync.staging import Staging
from onpoint_desktop.sync.verify import BundleHeader, VerifiedBundle, open_bundle

FUTURE_ALLOWANCE = timedelta(hours=48)


@dataclass(frozen=True)
class BundleCheck:
    """The outcome of checking one bundle file."""

    path: Path
    verdict: str  # acceptable, already-merged, pending, refused, sealed
    header: BundleHeader | None = None  # when the signed manifest was read
    bundle: VerifiedBundle | None = None  # when its records were read too
    signer: str = "unchecked"  # trusted, pending, new, revoked, own, unchecked
    trust_now: bool = False  # a new signer the caller asked to trust
    same_name_as: tuple[str, ...] = ()  # trusted signers sharing the signer's name
    same_consultant_id_as: tuple[str, ...] = ()
    sealed_for: str | None = None  # HQ key fingerprint of an encrypted bundle
    refusal: BundleError | None = None

    @property
    def reason(self) -> str:
        if self.refusal is not None:
            return getattr(self.refusal, "reason", "unreadable")
        return "unknown-signer" if self.verdict == "pending" else ""


class _Stop(Exception):
    """The gate's decision not to read the records."""

    def __init__(self, verdict: str) -> None:
        super().__init__(verdict)
        self.verdict = verdict


class _Gate:
    """HQ's decision on a bundle's signed manifest (see the module docstring)."""

    def __init__(self, hq: HQStore, *, stop_at_untrusted: bool, trust_new_signers: bool):
        self.hq = hq
        self.stop_at_untrusted = stop_at_untrusted
        self.trust_new_signers = trust_new_signers
        self.header: BundleHeader | None = None
        self.status = "new"
        self.look_alikes: tuple[list[str], list[str]] = ([], [])

    def __call__(self, header: BundleHeader) -> None:
        self.header = header
        held = self.hq.conn.execute(
            "SELECT payload_sha256 FROM merged_bundles WHERE bundle_id = ?", (header.bundle_id,)
        ).fetchone()
        if held is None and header.calibration_case is not None:  # ratings of a case
            sha = calibration_ratings.merged_case_bundle(self.hq, header.bundle_id)
            held = None if sha is None else (sha,)
        if held is not None:
            if held[0] != header.payload_sha256:
                raise BundleRefused(
                    "inconsistent",
                    f"{header.source} reuses the id of bundle {header.bundle_id}, which HQ "
                    "merged with other content; refused.",
                )
            raise _Stop("already-merged")
        calibration_ratings.check_case(self.hq, header)  # refused: a case HQ never published
        self.status = hq_signers.status_of(self.hq, header.signer_fingerprint) or "new"
        self.look_alikes = hq_signers.look_alikes(self.hq, header)
        if self.status == "revoked":
            raise BundleRefused(
                "revoked-signer",
                f"{header.source} is signed by {header.consultant_name} (key "
                f"{header.signer_fingerprint}), whose key HQ revoked; refused.",
            )
        untrusted = self.status != "trusted" and not self.trust_new_signers
        if untrusted and self.stop_at_untrusted:
            raise _Stop("pending")


def check_bundle(
    path: Path,
    hq: HQStore | None = None,
    *,
    for_merge: bool = False,
    trust_new_signers: bool = False,
    staging: Staging | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> BundleCheck:
    """Check the bundle at ``path`` as HQ would (``hq``) or as its consultant can.

    ``for_merge``: stop at the signed manifest when HQ would not merge the bundle (held
    aside, already merged), so a stranger's file is never parsed. ``trust_new_signers``:
    a key HQ has not trusted counts as trusted (``trust_now`` says so).
    """
    path = Path(path)
    if hq is None:
        return _check_alone(path, staging, limits)
    gate = _Gate(hq, stop_at_untrusted=for_merge, trust_new_signers=trust_new_signers)
    verdict, bundle, refusal, sealed_for = "acceptable", None, None, None
    try:
        bundle = open_bundle(
            path,
            hq_private_key=hq.private_key(),
            limits=limits,
            gate=gate,
            not_after=clock.now() + FUTURE_ALLOWANCE,
            staging=staging,
            models=hq.models,
        )
        sealed_for = bundle.sealed_for
    except _Stop as stop:
        verdict = stop.verdict
    except BundleError as exc:
        verdict, refusal = "refused", _with_key_path(exc, path, hq)
    header = gate.header
    if header is not None:
        sealed_for = header.sealed_for
    if verdict == "acceptable" and gate.status != "trusted" and not trust_new_signers:
        verdict = "pending"  # read (not for a merge), but HQ would hold it aside
    return BundleCheck(
        path,
        verdict,
        header=header,
        bundle=bundle,
        signer=gate.status if header is not None else "unchecked",
        trust_now=verdict == "acceptable" and gate.status != "trusted",
        same_name_as=tuple(gate.look_alikes[0]),
        same_consultant_id_as=tuple(gate.look_alikes[1]),
        sealed_for=sealed_for,
        refusal=refusal,
    )


def _check_alone(path: Path, staging: Staging | None, limits: Limits) -> BundleCheck:
    """What a consultant's computer can check: everything but HQ's decisions."""
    try:
        bundle = open_bundle(path, limits=limits, staging=staging)
    except BundleRefused as exc:
        if exc.reason == "hq-key-missing":
            header, _ = envelope.read_header(path.read_bytes(), str(path))
            return BundleCheck(path, "sealed", sealed_for=header.recipient)
        return BundleCheck(path, "refused", refusal=exc)
    except BundleError as exc:
        return BundleCheck(path, "refused", refusal=exc)
    own = keys.existing_identity()
    mine = own is not None and own.public_key == bundle.public_key
    return BundleCheck(
        path, "acceptable", header=bundle, bundle=bundle, signer="own" if mine else "unchecked"
    )


def _with_key_path(exc: BundleError, path: Path, hq: HQStore) -> BundleError:
    """A sealed bundle at an HQ whose private key is not beside the store: say where."""
    if isinstance(exc, BundleRefused) and exc.reason == "hq-key-missing":
        return BundleRefused(
            exc.reason,
            f"{path} is encrypted for HQ, but HQ's private key "
            f"{keys.hq_private_key_path(hq.path)} is missing; put it back beside the HQ store "
            "(from your backup) and try again.",
        )
    return exc
