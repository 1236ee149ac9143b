"""Sealing a signed bundle for HQ: hybrid encryption with ``cryptography`` primitives.

A sealed bundle is::

    MAGIC (22 bytes) | header length (4 bytes, big-endian) | header (canonical JSON) | ciphertext

For each bundle a fresh 256-bit content key encrypts the signed payload with AES-256-GCM
(the header is the associated data, so it cannot be altered). The content key is wrapped
for HQ: an ephemeral X25519 key agrees a secret with HQ's public key, HKDF-SHA256 turns it
into a key-encryption key, and AES-256-GCM wraps the content key with it. The header says
all this, and names the recipient key's fingerprint so a bundle sealed for another HQ is
recognised and refused with a clear message before any decryption is tried.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from onpoint_desktop.errors import BundleError
from onpoint_desktop.sync.format import BundleRefused, canonical_json
from onpoint_desktop.sync.keys import HQPublicKey, b64, fingerprint, raw_public, unb64

MAGIC = b"ONPOINT-SEALED-BUNDLE\n"
ENVELOPE_FORMAT = "onpoint-sealed-bundle/1"
CIPHER = "AES-256-GCM"
KEY_AGREEMENT = "X25519-HKDF-SHA256"
WRAP_INFO = b"onpoint-bundle/1 content-key wrap"
MAX_HEADER = 4096


@dataclass(frozen=True)
class SealedHeader:
    recipient: str  # fingerprint of HQ's public key
    ephemeral_key: bytes
    wrapped_key: bytes
    wrap_nonce: bytes
    nonce: bytes
    raw: bytes  # the header bytes exactly as stored (the AEAD's associated data)


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(MAGIC)


def _kek(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=WRAP_INFO
    ).derive(shared)


def seal(payload: bytes, hq_key: HQPublicKey) -> bytes:
    """Encrypt a signed payload so that only the holder of HQ's private key can open it."""
    content_key = AESGCM.generate_key(bit_length=256)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = raw_public(ephemeral.public_key())
    kek = _kek(ephemeral.exchange(hq_key.key()), ephemeral_raw, hq_key.raw)
    wrap_nonce, nonce = os.urandom(12), os.urandom(12)
    wrapped = AESGCM(kek).encrypt(wrap_nonce, content_key, ephemeral_raw + hq_key.raw)
    header = canonical_json(
        {
            "format": ENVELOPE_FORMAT,
            "cipher": CIPHER,
            "key_agreement": KEY_AGREEMENT,
            "recipient": hq_key.fingerprint,
            "ephemeral_key": b64(ephemeral_raw),
            "wrapped_key": b64(wrapped),
            "wrap_nonce": b64(wrap_nonce),
            "nonce": b64(nonce),
        }
    )
    ciphertext = AESGCM(content_key).encrypt(nonce, payload, header)
    return MAGIC + struct.pack(">I", len(header)) + header + ciphertext


def read_header(blob: bytes, source: str) -> tuple[SealedHeader, bytes]:
    """Parse the envelope header; returns it and the ciphertext."""
    start = len(MAGIC) + 4
    if len(blob) < start:
        raise BundleRefused("truncated", f"{source} is truncated (its envelope is incomplete).")
    (length,) = struct.unpack(">I", blob[len(MAGIC) : start])
    if length > MAX_HEADER or len(blob) < start + length:
        raise BundleRefused("truncated", f"{source} is truncated or damaged (envelope header).")
    raw = blob[start : start + length]
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BundleRefused("corrupt", f"{source}: the envelope header is damaged.") from None
    if not isinstance(doc, dict) or doc.get("format") != ENVELOPE_FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else None
        raise BundleRefused(
            "unknown-format",
            f"{source} is sealed in envelope format '{found}', which this version does not "
            f"read (it reads '{ENVELOPE_FORMAT}'); update Onpoint Desktop.",
        )
    if doc.get("cipher") != CIPHER or doc.get("key_agreement") != KEY_AGREEMENT:
        raise BundleRefused(
            "unknown-format",
            f"{source} is sealed with {doc.get('cipher')}/{doc.get('key_agreement')}, which "
            "this version does not read; update Onpoint Desktop.",
        )
    try:
        header = SealedHeader(
            recipient=str(doc.get("recipient")),
            ephemeral_key=unb64(doc.get("ephemeral_key"), "ephemeral_key", 32),
            wrapped_key=unb64(doc.get("wrapped_key"), "wrapped_key", 48),
            wrap_nonce=unb64(doc.get("wrap_nonce"), "wrap_nonce", 12),
            nonce=unb64(doc.get("nonce"), "nonce", 12),
            raw=raw,
        )
    except BundleError as exc:
        raise BundleRefused("corrupt", f"{source}: envelope header: {exc}") from None
    return header, blob[start + length :]


def open_sealed(blob: bytes, private_key: X25519PrivateKey | None, source: str) -> bytes:
    """Decrypt a sealed bundle with HQ's private key; returns the signed payload."""
    header, ciphertext = read_header(blob, source)
    if private_key is None:
        raise BundleRefused(
            "hq-key-missing",
            f"{source} is encrypted for HQ (key {header.recipient}); only an HQ store "
            "holding that key can open it.",
        )
    own = raw_public(private_key.public_key())
    if header.recipient != fingerprint(own):
        raise BundleRefused(
            "not-for-this-hq",
            f"{source} is encrypted for another HQ key ({header.recipient}); this HQ store's "
            f"key is {fingerprint(own)}. Ask the consultant to import this HQ's public key "
            "('onpoint hq-key import') and export the bundle again.",
        )
    try:
        kek = _kek(
            private_key.exchange(X25519PublicKey.from_public_bytes(header.ephemeral_key)),
            header.ephemeral_key,
            own,
        )
        content_key = AESGCM(kek).decrypt(
            header.wrap_nonce, header.wrapped_key, header.ephemeral_key + own
        )
        return AESGCM(content_key).decrypt(header.nonce, ciphertext, header.raw)
    except (InvalidTag, ValueError):
        raise BundleRefused(
            "tampered",
            f"{source} cannot be decrypted: it is truncated, damaged or was altered after "
            "it was sealed. Ask for a fresh export.",
        ) from None
