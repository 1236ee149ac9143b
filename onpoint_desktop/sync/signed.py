"""Documents HQ signs, and consultants check against the HQ key they trust.

HQ publishes data consultants act on — benchmark packs, model packs (SPEC §10) and
calibration cases (§13) — so each is a *signed document*: one JSON file that a person
can read, holding the document and HQ's Ed25519 signature of it::

    {
      "format": "onpoint-signed/1",
      "kind": "benchmark-pack",
      "signed_at": "2026-06-30T09:12:44.512093Z",
      "signer": "<fingerprint of HQ's signing key>",
      "document": { ...the pack... },
      "signature": "<base64 Ed25519 signature>"
    }

The signature covers the canonical JSON (``format.canonical_json``: sorted keys, no
spaces, UTF-8, finite numbers only) of every field but ``signature``, so the ``kind``
cannot be swapped (a benchmark pack is never accepted as a model pack) and a document
re-indented by an editor still verifies while any change of a value does not.

The API is three calls:

``write_signed(out, kind, document, signing_key)``  HQ: sign and write (atomically)
``sign_document(kind, document, signing_key)``      HQ: the signed file's JSON, in memory
``read_signed(path, kind, trusted)``                consultant: check, return the document

``read_signed`` checks the file against ``trusted`` (the consultant's ``HQPublicKey``,
default the one imported with ``hq-key import``) and raises :class:`SignedDocumentRefused`
— a ``BundleError`` whose ``reason`` is one of ``no-hq-key``, ``not-signed``,
``wrong-kind``, ``unknown-signer``, ``bad-signature``, ``malformed``, ``too-large`` — with
a sentence naming the file. What the document itself must hold (a pack's values) is for
the caller to check afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onpoint_desktop import clock
from onpoint_desktop.atomic import os_reason, write_atomically
from onpoint_desktop.errors import BundleError
from onpoint_desktop.sync import keys, safe_json
from onpoint_desktop.sync.format import canonical_json

SIGNED_FORMAT = "onpoint-signed/1"
BENCHMARK_PACK = "benchmark-pack"
MODEL_PACK = "model-pack"
CALIBRATION_CASE = "calibration-case"
KINDS = {
    BENCHMARK_PACK: "benchmark pack",
    MODEL_PACK: "model pack",
    CALIBRATION_CASE: "calibration case",
}
MAX_BYTES = 64 * 1024**2  # a model pack with its resources is well under a megabyte
_SIGNED_FIELDS = ("format", "kind", "signed_at", "signer", "document")


class SignedDocumentRefused(BundleError):
    """A signed document was refused; ``reason`` is a stable code, the message a sentence."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SignedDocument:
    """A document whose signature by the trusted HQ key was checked."""

    kind: str
    document: Any
    signed_at: str
    signer: str  # fingerprint of HQ's signing key


def sign_document(
    kind: str, document: Any, signing_key: Ed25519PrivateKey, *, signed_at: str | None = None
) -> dict[str, Any]:
    """The signed file's content for ``document`` (JSON-ready; raises ValueError when the
    document holds something JSON cannot carry exactly, e.g. NaN)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of signed document: {kind!r}")
    signed = {
        "format": SIGNED_FORMAT,
        "kind": kind,
        "signed_at": signed_at or clock.utc_now(),
        "signer": keys.fingerprint(keys.raw_public(signing_key.public_key())),
        "document": document,
    }
    signature = signing_key.sign(canonical_json(signed))
    return {**signed, "signature": keys.b64(signature)}


def write_signed(
    out: str | Path,
    kind: str,
    document: Any,
    signing_key: Ed25519PrivateKey,
    *,
    signed_at: str | None = None,
) -> Path:
    """Sign ``document`` and write it to ``out`` whole or not at all (readable JSON)."""
    import json

    text = json.dumps(
        sign_document(kind, document, signing_key, signed_at=signed_at),
        indent=2,
        ensure_ascii=False,
        allow_nan=False,
    )
    out = Path(out)
    try:
        write_atomically(out, text + "\n")
    except OSError as exc:
        raise BundleError(f"Could not write {out}: {os_reason(exc)}.") from None
    return out


def read_signed(
    path: str | Path,
    kind: str,
    trusted: keys.HQPublicKey | None = None,
    *,
    max_bytes: int = MAX_BYTES,
) -> SignedDocument:
    """Check the signed document at ``path`` against HQ's signing key; its content."""
    path = Path(path)
    what = KINDS[kind]
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SignedDocumentRefused(
                "too-large", f"{path} is {size:,} bytes, too large to be a {what}; not read."
            )
        blob = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"{path} cannot be read: {os_reason(exc)}.") from None
    if trusted is None:
        trusted = keys.configured_hq_key()
    return verify_signed(blob, kind, trusted, str(path))


def verify_signed(
    blob: bytes, kind: str, trusted: keys.HQPublicKey | None, source: str
) -> SignedDocument:
    """:func:`read_signed` on the bytes of a file (``source`` names it in refusals)."""
    what = KINDS[kind]
    try:
        doc = safe_json.loads(blob)
    except safe_json.UnsafeJSON as exc:
        raise SignedDocumentRefused("malformed", f"{source} is not a {what}: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("format") != SIGNED_FORMAT:
        raise SignedDocumentRefused(
            "not-signed",
            f"{source} is not a {what} signed by HQ; only signed {what}s are accepted. "
            "Ask HQ for the file Onpoint Desktop wrote.",
        )
    if doc.get("kind") != kind:
        found = KINDS.get(str(doc.get("kind")), "another kind of document")
        raise SignedDocumentRefused(
            "wrong-kind", f"{source} is a {found} signed by HQ, not a {what}."
        )
    if trusted is None or trusted.signing_key is None:
        raise SignedDocumentRefused(
            "no-hq-key",
            f"{source} is signed by HQ, but this computer has no HQ signing key to check it "
            "against. Import HQ's public key file first (Sync ▸ Import HQ public key…, or "
            "'onpoint hq-key import FILE'); ask HQ for a current one.",
        )
    expected = keys.fingerprint(trusted.signing_key)
    if doc.get("signer") != expected:
        raise SignedDocumentRefused(
            "unknown-signer",
            f"{source} is signed by key {str(doc.get('signer'))[:40]}, not by the HQ key you "
            f"trust ({expected}); it was not used. If HQ has a new key, import its public "
            "key file with --replace after checking the fingerprint with HQ.",
        )
    try:
        message = canonical_json({name: doc.get(name) for name in _SIGNED_FIELDS})
        signature = keys.unb64(doc.get("signature"), "signature", 64)
    except (ValueError, BundleError):  # lone surrogates, a malformed signature
        raise SignedDocumentRefused(
            "bad-signature", f"{source}: its signature cannot be checked; it was not used."
        ) from None
    if not keys.verify_signature(trusted.signing_key, signature, message):
        raise SignedDocumentRefused(
            "bad-signature",
            f"{source} was changed after HQ signed it (the signature does not match); it "
            "was not used. Ask HQ for the file again.",
        )
    signed_at = doc.get("signed_at")
    if not clock.is_instant(signed_at):
        raise SignedDocumentRefused("malformed", f"{source} has no valid signing time.")
    return SignedDocument(kind, doc["document"], signed_at, expected)
