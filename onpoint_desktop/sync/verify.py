"""Opening and verifying a bundle: a reader that assumes the file is hostile.

Checks, in order, each refusal a :class:`BundleRefused` with a stable ``reason``:

1. the file: not larger than the limit; a sealed envelope (decrypted with HQ's key when
   given) or a zip archive, else ``not-a-bundle``; an incomplete archive is ``truncated``;
2. the archive's members, before reading any: only the known names (``unexpected-entry``),
   none twice (``duplicate-entry``), no absolute paths, ``..`` or backslashes
   (``unsafe-name``), no encrypted or exotic members; declared sizes within the limits
   (``too-large``) and a decompression ratio no zip bomb can pass (``zip-bomb``);
3. the manifest: present, JSON of bounded depth, a known format version
   (``unknown-format``), well formed;
4. the signature: present (``unsigned``) and valid for the public key the manifest names
   (``bad-signature``) — a manifest altered after signing fails here;
5. the *gate*: the caller's decision on the signer and the bundle, taken on the signed
   manifest alone, before a single record is read (HQ: trusted, pending, revoked; already
   merged) — a stranger's large file costs a hash, not a parse;
6. its time: a manifest dated later than ``not_after`` is ``from-the-future``;
7. the entries: exactly those the manifest lists (``missing-entry``), each of the signed
   size and SHA-256 (``tampered``), read as a stream with a hard cap whatever the archive
   claims; their records checked line by line (``content_reader``: ``invalid-content``,
   ``from-the-future``) into scratch tables (``staging``), so memory does not grow with
   the file.

The same reader serves ``bundle verify``, HQ merge and the exporter's own self-check.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from onpoint_desktop import clock
from onpoint_desktop import limits as text_limits
from onpoint_desktop.errors import BundleError
from onpoint_desktop.model_catalogue import ModelCatalogue
from onpoint_desktop.sync import envelope, keys, safe_json
from onpoint_desktop.sync.bundle import BundleContent
from onpoint_desktop.sync.content_reader import ContentReader, from_the_future
from onpoint_desktop.sync.format import (
    BUNDLE_FORMAT,
    BUNDLE_FORMATS,
    DATA_ENTRIES,
    DEFAULT_LIMITS,
    DISTRICT,
    MANIFEST,
    RATING_EVENTS,
    ROUNDS,
    SIGNATURE,
    SURVEY_RESPONSES,
    BundleRefused,
    Limits,
    brief,
    quoted,
)
from onpoint_desktop.sync.staging import Duplicate, Staging

KNOWN_MEMBERS = frozenset((MANIFEST, SIGNATURE, *DATA_ENTRIES))
MAX_SIGNATURE_BYTES = 1024
ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
CHUNK = 1 << 20


@dataclass(frozen=True)
class BundleHeader:
    """What a bundle's signed manifest says: checked (format, signature) before any
    record is read. The gate of :func:`read_payload` decides on it."""

    source: str
    manifest: dict[str, Any]
    payload_sha256: str  # hash of the signed payload (the same whether sealed or not)
    sealed_for: str | None = None  # the HQ key fingerprint when the file was encrypted

    @property
    def format(self) -> str:
        return self.manifest["format"]

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
        return self.manifest["district"]["uuid"]

    @property
    def district_name(self) -> str:
        return self.manifest["district"]["name"]

    @property
    def workspace_uuid(self) -> str:
        return self.manifest["workspace_uuid"]

    @property
    def model(self) -> str:
        return str(self.manifest.get("model", ""))


Gate = Callable[[BundleHeader], None]  # raises to stop reading (a refusal, or held aside)


@dataclass(frozen=True)
class VerifiedBundle(BundleHeader):
    """A bundle whose format, sizes, hashes, signature and records were checked; its
    records wait in ``staging`` (the caller's, or a scratch database of its own)."""

    district: dict[str, str] = field(default_factory=dict)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    staging: Staging | None = None

    def rating_events(self) -> Iterator[dict[str, Any]]:
        return self.staging.rating_events()

    def survey_responses(self) -> Iterator[dict[str, Any]]:
        return self.staging.survey_responses()

    @property
    def content(self) -> BundleContent:
        """Every record in memory: for small bundles (tests, the self-test, a dialog)."""
        return BundleContent(
            district=self.district,
            workspace_uuid=self.workspace_uuid,
            model=self.model,
            rounds=self.rounds,
            rating_events=list(self.rating_events()),
            survey_responses=list(self.survey_responses()),
        )


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A bundle file's bytes, refused before reading when it is over the size limit."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise BundleRefused(
                "too-large",
                f"{source} is {size:,} bytes, over the {limits.file_bytes:,}-byte limit for "
                "a bundle; it was not opened.",
            )
        return path.read_bytes()
    except OSError as exc:
        raise BundleError(f"{source} cannot be read: {exc.strerror or exc}.") from None


def open_bundle(
    path: Path,
    *,
    hq_private_key: X25519PrivateKey | None = None,
    limits: Limits = DEFAULT_LIMITS,
    gate: Gate | None = None,
    not_after: datetime | None = None,
    staging: Staging | None = None,
    models: ModelCatalogue | None = None,
) -> VerifiedBundle:
    """Read and verify the bundle file at ``path`` (decrypting it with HQ's key if sealed).

    ``gate`` sees the signed manifest before any record is read; ``not_after`` refuses
    times later than it; ``staging`` receives the records (default: a scratch database);
    ``models`` are the scoring models the reader knows (HQ's; default: those shipped).
    """
    path = Path(path)
    source = str(path)
    blob = read_file(path, limits)
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
    return read_payload(
        blob,
        source,
        limits,
        sealed_for=sealed_for,
        gate=gate,
        not_after=not_after,
        staging=staging,
        models=models,
    )


def read_payload(
    payload: bytes,
    source: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    sealed_for: str | None = None,
    gate: Gate | None = None,
    not_after: datetime | None = None,
    staging: Staging | None = None,
    models: ModelCatalogue | None = None,
) -> VerifiedBundle:
    """Verify a signed payload (the zip inside a bundle) and check its records."""
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
        header = BundleHeader(source, manifest, hashlib.sha256(payload).hexdigest(), sealed_for)
        if gate is not None:
            gate(header)
        if not_after is not None and clock.parse_instant(header.created_at) > not_after:
            raise from_the_future(source, f"the bundle is dated {header.created_at}", not_after)
        return _read_content(archive, members, header, limits, not_after, staging, models)


def _read_content(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    header: BundleHeader,
    limits: Limits,
    not_after: datetime | None,
    staging: Staging | None,
    models: ModelCatalogue | None,
) -> VerifiedBundle:
    source = header.source
    specs = _entry_specs(header.manifest, members, source, limits)
    staging = staging or Staging()
    staging.clear()
    reader = ContentReader(header.manifest, source, staging, not_after=not_after, models=models)
    small = min(limits.small_entry_bytes, limits.entry_bytes)
    district = reader.district(
        _read_entry(archive, members[DISTRICT], specs[DISTRICT], small, source)
    )
    rounds = reader.rounds(_read_entry(archive, members[ROUNDS], specs[ROUNDS], small, source))
    entries = (
        (RATING_EVENTS, reader.event_line, "a rating event (its id or its place in the order)"),
        (SURVEY_RESPONSES, reader.response_line, "a survey response (round, role and key)"),
    )
    with staging.loading():
        for name, take, what in entries:
            try:
                for number, line in _lines(archive, members[name], specs[name], limits, source):
                    take(number, line)
                staging.flush()
            except Duplicate:
                raise reader.fail(name, f"repeats {what}") from None
    counts = reader.check_counts(rounds)
    return VerifiedBundle(
        header.source,
        header.manifest,
        header.payload_sha256,
        header.sealed_for,
        district=district,
        rounds=rounds,
        counts=counts,
        staging=staging,
    )


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


# A member's local header can contradict the directory (a name that is not the UTF-8 it
# claims: UnicodeDecodeError, a ValueError), or use a feature zipfile lacks
# (NotImplementedError); encryption flags are refused before reading, RuntimeError
# ("password required") is caught all the same.
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def _damaged(info: zipfile.ZipInfo, exc: BaseException, source: str) -> BundleRefused:
    return BundleRefused(
        "truncated" if isinstance(exc, EOFError) else "corrupt",
        f"{source} is damaged: entry {quoted(info.filename)} cannot be read "
        f"({brief(str(exc), 200)}). Copy the file again, or ask for a fresh export.",
    )


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, source: str):
    """A member's bytes in chunks, stopping at ``cap`` bytes whatever its header says."""
    size = 0
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(min(CHUNK, cap + 1 - size)):
                size += len(chunk)
                if size > cap:
                    raise BundleRefused(
                        "too-large",
                        f"{source}: entry {quoted(info.filename)} is larger than allowed.",
                    )
                yield chunk
    except _READ_ERRORS as exc:
        raise _damaged(info, exc, source) from None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, source: str) -> bytes:
    """Read one member whole, stopping at ``cap`` bytes whatever its header says."""
    return b"".join(_chunks(archive, info, cap, source))


def _manifest(blob: bytes, source: str) -> dict[str, Any]:
    try:
        manifest = safe_json.loads(blob)
    except safe_json.UnsafeJSON as exc:
        raise BundleRefused("corrupt", f"{source}: the manifest cannot be read ({exc}).") from None
    if not isinstance(manifest, dict):
        raise BundleRefused("corrupt", f"{source}: the manifest is not a JSON object.")
    fmt = manifest.get("format")
    if fmt not in BUNDLE_FORMATS:
        raise BundleRefused(
            "unknown-format",
            f"{source} has bundle format {quoted(fmt)}; this version of Onpoint Desktop reads "
            f"up to '{BUNDLE_FORMAT}'. Update the app (or ask for an export from a matching "
            "one).",
        )
    consultant = manifest.get("consultant")
    district = manifest.get("district")
    sound = (
        _is_uuid(manifest.get("bundle_id"))
        and clock.is_instant(manifest.get("created_at"))
        and isinstance(district, dict)
        and _is_uuid(district.get("uuid"))
        and text_limits.name_problem(district.get("name")) is None
        and isinstance(consultant, dict)
        and _is_uuid(consultant.get("id"))
        and text_limits.name_problem(consultant.get("name")) is None
        and isinstance(consultant.get("public_key"), str)
        and _is_uuid(manifest.get("workspace_uuid"))
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


def _entry_specs(
    manifest: dict[str, Any], members: dict[str, zipfile.ZipInfo], source: str, limits: Limits
) -> dict[str, dict[str, Any]]:
    """The signed size and SHA-256 of each data entry, checked against the archive."""
    listed = manifest["entries"]
    if not all(isinstance(e, dict) for e in listed):
        raise BundleRefused("corrupt", f"{source}: the manifest's entry list is malformed.")
    signed = {str(e.get("name")): e for e in listed}
    if sorted(signed) != sorted(DATA_ENTRIES) or len(listed) != len(DATA_ENTRIES):
        raise BundleRefused(
            "unexpected-entry", f"{source}: the manifest lists entries this format does not have."
        )
    for name, spec in signed.items():
        if name not in members:
            raise BundleRefused(
                "missing-entry",
                f"{source}: entry {quoted(name)} listed in the manifest is missing.",
            )
        size = spec.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or members[name].file_size != size:
            raise BundleRefused(
                "tampered",
                f"{source}: entry {quoted(name)} is not the size the signed manifest gives; it was "
                "altered after signing. Refused.",
            )
        if size > limits.entry_bytes:
            raise BundleRefused(
                "too-large", f"{source}: entry {quoted(name)} is larger than allowed; refused."
            )
    return signed


def _tampered(name: str, source: str) -> BundleRefused:
    return BundleRefused(
        "tampered",
        f"{source}: entry {quoted(name)} does not match its signed SHA-256; it was altered "
        "after signing. Refused.",
    )


def _read_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, spec: dict[str, Any], cap: int, source: str
) -> bytes:
    """A small entry whole, checked against its signed size and hash."""
    if spec["size"] > cap:
        raise BundleRefused(
            "too-large", f"{source}: entry {quoted(info.filename)} is larger than allowed."
        )
    blob = _read(archive, info, spec["size"], source)
    if len(blob) != spec["size"] or hashlib.sha256(blob).hexdigest() != spec.get("sha256"):
        raise _tampered(info.filename, source)
    return blob


def _lines(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    spec: dict[str, Any],
    limits: Limits,
    source: str,
) -> Iterator[tuple[int, bytes]]:
    """A JSON-lines entry's non-blank lines (numbered from 1), read as a stream; the
    entry's signed size and hash are checked when it ends (a mismatch raises then, and the
    caller drops what it took)."""
    digest = hashlib.sha256()
    size, number, rest = 0, 0, b""
    for chunk in _chunks(archive, info, spec["size"], source):
        digest.update(chunk)
        size += len(chunk)
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        if len(rest) > limits.line_bytes:
            raise _long_line(info.filename, number + len(lines) + 1, limits, source)
        for line in lines:
            number += 1
            if len(line) > limits.line_bytes:
                raise _long_line(info.filename, number, limits, source)
            if line.strip():
                yield number, line
    if size != spec["size"] or digest.hexdigest() != spec.get("sha256"):
        raise _tampered(info.filename, source)
    if rest.strip():
        yield number + 1, rest


def _long_line(name: str, number: int, limits: Limits, source: str) -> BundleRefused:
    return BundleRefused(
        "invalid-content",
        f"{source}: {name} line {number} is longer than {limits.line_bytes:,} bytes, more "
        "than any record can be; the bundle was refused.",
    )
