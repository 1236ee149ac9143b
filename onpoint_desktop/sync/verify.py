"""Opening and verifying a bundle: a reader that assumes the file is hostile.

Checks, in order, each refusal a :class:`BundleRefused` with a stable ``reason``:

1. the file: not larger than the limit; a sealed envelope (decrypted with HQ's key when
   given) or a zip archive, else ``not-a-bundle``; an incomplete archive is ``truncated``;
2. the archive's members, before reading any: only the known names (``unexpected-entry``),
   none twice (``duplicate-entry``), no absolute paths, ``..`` or backslashes
   (``unsafe-name``), no encrypted or exotic members; declared sizes within the limits
   (``too-large``) and a decompression ratio no zip bomb can pass (``zip-bomb``);
3. the manifest: present, valid JSON, a known format version (``unknown-format``);
4. the signature: present (``unsigned``) and valid for the public key the manifest names
   (``bad-signature``) — a manifest altered after signing fails here;
5. the entries: exactly those the manifest lists (``missing-entry``), each of the signed
   size and SHA-256 (``tampered``), read with a hard cap whatever the archive claims;
6. the records inside (``records``): ``invalid-content`` when they do not fit the model.

The same reader serves ``bundle verify``, HQ merge and the exporter's own self-check.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from onpoint_desktop.errors import BundleError
from onpoint_desktop.model_catalogue import ModelCatalogue
from onpoint_desktop.sync import envelope, keys
from onpoint_desktop.sync.bundle import BundleContent
from onpoint_desktop.sync.content_reader import parse_content
from onpoint_desktop.sync.format import (
    BUNDLE_FORMAT,
    DATA_ENTRIES,
    DEFAULT_LIMITS,
    MANIFEST,
    SIGNATURE,
    TIMESTAMP_PATTERN,
    BundleRefused,
    Limits,
    brief,
    quoted,
)

_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)
KNOWN_MEMBERS = frozenset((MANIFEST, SIGNATURE, *DATA_ENTRIES))
MAX_SIGNATURE_BYTES = 1024
ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose format, sizes, hashes and signature were checked."""

    source: str
    manifest: dict[str, Any]
    payload_sha256: str  # hash of the signed payload (the same whether sealed or not)
    content: BundleContent
    sealed_for: str | None = None  # the HQ key fingerprint when the file was encrypted

    @property
    def bundle_id(self) -> str:
        return self.manifest["bundle_id"]

    @property
    def created_at(self) -> str:
        return self.manifest["created_at"]

    @property
    def consultant_id(self) -> str:
        return self.manifest["consultant"]["id"]

    @property
    def consultant_name(self) -> str:
        return self.manifest["consultant"]["name"]

    @property
    def public_key(self) -> bytes:
        return keys.unb64(self.manifest["consultant"]["public_key"], "public_key", 32)

    @property
    def signer_fingerprint(self) -> str:
        return keys.fingerprint(self.public_key)

    @property
    def district_uuid(self) -> str:
        return self.content.district["uuid"]

    @property
    def district_name(self) -> str:
        return self.content.district["name"]


def open_bundle(
    path: Path,
    *,
    hq_private_key: X25519PrivateKey | None = None,
    limits: Limits = DEFAULT_LIMITS,
    models: ModelCatalogue | None = None,
) -> VerifiedBundle:
    """Read and verify the bundle file at ``path`` (decrypting it with HQ's key if sealed).

    ``models``: the scoring models the reader knows (HQ's; default: those shipped)."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise BundleRefused(
                "too-large",
                f"{source} is {size:,} bytes, over the {limits.file_bytes:,}-byte limit for "
                "a bundle; it was not opened.",
            )
        blob = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"{source} cannot be read: {exc.strerror or exc}.") from None
    sealed_for = None
    if envelope.is_sealed(blob):
        header, _ = envelope.read_header(blob, source)
        sealed_for = header.recipient
        blob = envelope.open_sealed(blob, hq_private_key, source)
    elif not blob.startswith(b"PK"):
        raise BundleRefused(
            "not-a-bundle",
            f"{source} is not an Onpoint bundle (.onpointbundle)"
            + (" (the file is empty)." if not blob else "."),
        )
    verified = read_payload(blob, source, limits, models)
    return VerifiedBundle(
        verified.source,
        verified.manifest,
        verified.payload_sha256,
        verified.content,
        sealed_for,
    )


def read_payload(
    payload: bytes,
    source: str,
    limits: Limits = DEFAULT_LIMITS,
    models: ModelCatalogue | None = None,
) -> VerifiedBundle:
    """Verify a signed payload (the zip inside a bundle) and parse its records."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise BundleRefused(
            "truncated",
            f"{source} is truncated or damaged (its archive directory is missing). Copy the "
            "file again from its source, or ask for a fresh export.",
        ) from None
    with archive:
        members = _check_members(archive, source, limits)
        if MANIFEST not in members:
            raise BundleRefused("missing-entry", f"{source} has no manifest; it is not a bundle.")
        manifest_bytes = _read(archive, members[MANIFEST], limits.manifest_bytes, source)
        manifest = _manifest(manifest_bytes, source)
        if SIGNATURE not in members:
            raise BundleRefused(
                "unsigned", f"{source} is not signed; HQ only accepts signed bundles."
            )
        signature = _read(archive, members[SIGNATURE], MAX_SIGNATURE_BYTES, source)
        _check_signature(manifest, manifest_bytes, signature, source)
        entries = _read_entries(archive, members, manifest, source, limits)
    content = parse_content(entries, manifest, source, models)
    return VerifiedBundle(source, manifest, hashlib.sha256(payload).hexdigest(), content)


def _check_members(
    archive: zipfile.ZipFile, source: str, limits: Limits
) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise BundleRefused(
            "unexpected-entry",
            f"{source} holds {len(infos)} files; a bundle holds at most {len(KNOWN_MEMBERS)}.",
        )
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe(name) or _unsafe(info.orig_filename):
            raise BundleRefused(
                "unsafe-name",
                f"{source} contains an entry named {quoted(name)} that points outside the bundle "
                "(absolute path or '..'); it was refused as hostile.",
            )
        if name not in KNOWN_MEMBERS:
            raise BundleRefused(
                "unexpected-entry", f"{source} contains an unexpected entry {quoted(name)}."
            )
        if name in members:
            raise BundleRefused(
                "duplicate-entry", f"{source} contains the entry {quoted(name)} twice; refused."
            )
        if info.flag_bits & 0x1 or info.compress_type not in ALLOWED_COMPRESSION:
            raise BundleRefused(
                "corrupt", f"{source}: entry {quoted(name)} uses an encoding bundles never use."
            )
        if info.file_size > limits.entry_bytes:
            raise BundleRefused(
                "too-large",
                f"{source}: entry {quoted(name)} declares {info.file_size:,} bytes, over the "
                f"{limits.entry_bytes:,}-byte limit; refused.",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.ratio:
            raise BundleRefused(
                "zip-bomb",
                f"{source}: entry {quoted(name)} would expand {ratio:,.0f} times "
                f"({info.file_size:,} bytes); refused as a zip bomb.",
            )
        total += info.file_size
        members[name] = info
    if total > limits.total_bytes:
        raise BundleRefused(
            "too-large",
            f"{source} would expand to {total:,} bytes, over the {limits.total_bytes:,}-byte "
            "limit; refused.",
        )
    return members


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(p in ("..", ".") for p in parts)
    )


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, source: str) -> bytes:
    """Read one member, stopping at ``cap`` bytes whatever its header says."""
    chunks, size = [], 0
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(min(1 << 20, cap + 1 - size)):
                size += len(chunk)
                if size > cap:
                    raise BundleRefused(
                        "too-large",
                        f"{source}: entry {quoted(info.filename)} is larger than allowed.",
                    )
                chunks.append(chunk)
    # A member's local header can contradict the directory (a name that is not the UTF-8
    # it claims: UnicodeDecodeError, a ValueError), or use a feature zipfile lacks
    # (NotImplementedError); encryption flags are refused before reading, RuntimeError
    # ("password required") is caught all the same.
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise BundleRefused(
            "truncated" if isinstance(exc, EOFError) else "corrupt",
            f"{source} is damaged: entry {quoted(info.filename)} cannot be read "
            f"({brief(str(exc), 200)}). Copy the file again, or ask for a fresh export.",
        ) from None
    return b"".join(chunks)


def _manifest(blob: bytes, source: str) -> dict[str, Any]:
    try:
        manifest = json.loads(blob)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BundleRefused("corrupt", f"{source}: the manifest is not valid JSON.") from None
    if not isinstance(manifest, dict):
        raise BundleRefused("corrupt", f"{source}: the manifest is not a JSON object.")
    fmt = manifest.get("format")
    if fmt != BUNDLE_FORMAT:
        raise BundleRefused(
            "unknown-format",
            f"{source} has bundle format {quoted(fmt)}; this version of Onpoint Desktop reads "
            f"'{BUNDLE_FORMAT}'. Update the app (or ask for an export from a matching one).",
        )
    consultant = manifest.get("consultant")
    district = manifest.get("district")
    sound = (
        _is_uuid(manifest.get("bundle_id"))
        and isinstance(manifest.get("created_at"), str)
        and _TIMESTAMP.fullmatch(manifest["created_at"]) is not None
        and isinstance(district, dict)
        and isinstance(consultant, dict)
        and _is_uuid(consultant.get("id"))
        and isinstance(consultant.get("name"), str)
        and isinstance(manifest.get("entries"), list)
        and isinstance(manifest.get("counts"), dict)
    )
    if not sound:
        raise BundleRefused("corrupt", f"{source}: the manifest is incomplete or malformed.")
    return manifest


def _is_uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _check_signature(manifest: dict, manifest_bytes: bytes, sig: bytes, source: str) -> None:
    try:
        public_key = keys.unb64(manifest["consultant"].get("public_key"), "public key", 32)
        signature = keys.unb64(sig.decode("ascii", "replace").strip(), "signature", 64)
    except BundleError as exc:
        raise BundleRefused("bad-signature", f"{source}: {exc} The bundle was refused.") from None
    if not keys.verify_signature(public_key, signature, manifest_bytes):
        raise BundleRefused(
            "bad-signature",
            f"{source}: the signature does not match the manifest and the signer's key; the "
            "bundle was altered after signing, or signed with another key. Refused.",
        )


def _read_entries(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    manifest: dict[str, Any],
    source: str,
    limits: Limits,
) -> dict[str, bytes]:
    listed = manifest["entries"]
    if not isinstance(listed, list) or not all(isinstance(e, dict) for e in listed):
        raise BundleRefused("corrupt", f"{source}: the manifest's entry list is malformed.")
    signed = {str(e.get("name")): e for e in listed}
    if sorted(signed) != sorted(DATA_ENTRIES) or len(listed) != len(DATA_ENTRIES):
        raise BundleRefused(
            "unexpected-entry", f"{source}: the manifest lists entries this format does not have."
        )
    entries = {}
    for name, spec in signed.items():
        if name not in members:
            raise BundleRefused(
                "missing-entry",
                f"{source}: entry {quoted(name)} listed in the manifest is missing.",
            )
        size = spec.get("size")
        if not isinstance(size, int) or members[name].file_size != size:
            raise BundleRefused(
                "tampered",
                f"{source}: entry {quoted(name)} is not the size the signed manifest gives; it was "
                "altered after signing. Refused.",
            )
        blob = _read(archive, members[name], min(size, limits.entry_bytes), source)
        if len(blob) != size or hashlib.sha256(blob).hexdigest() != spec.get("sha256"):
            raise BundleRefused(
                "tampered",
                f"{source}: entry {quoted(name)} does not match its signed SHA-256; it was altered "
                "after signing. Refused.",
            )
        entries[name] = blob
    return entries
