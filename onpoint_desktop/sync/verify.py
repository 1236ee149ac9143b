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

The archive's members and entries are read by ``archive`` (steps 2 and 7), the records
checked by ``content_reader``. The same reader serves ``bundle verify``, HQ merge and the
exporter's own self-check.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
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
from onpoint_desktop.sync.archive import (
    check_members,
    entry_lines,
    entry_specs,
    read_entry,
    read_member,
)
from onpoint_desktop.sync.bundle import BundleContent
from onpoint_desktop.sync.content_reader import ContentReader, from_the_future
from onpoint_desktop.sync.format import (
    ACTION_EVENTS,
    BUNDLE_FORMATS,
    CASE_BUNDLE_FORMAT,
    CONDITION_EVENTS,
    DEFAULT_LIMITS,
    DISTRICT,
    MANIFEST,
    RATING_EVENTS,
    ROUNDS,
    SIGNATURE,
    SURVEY_REMOVALS,
    SURVEY_RESPONSES,
    WALKTHROUGHS,
    BundleRefused,
    Limits,
    quoted,
)
from onpoint_desktop.sync.staging import Duplicate, Staging

MAX_SIGNATURE_BYTES = 1024


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

    @property
    def calibration_case(self) -> str | None:
        """The calibration case whose ratings the bundle carries (format 5), else None."""
        return self.manifest.get("calibration_case")


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

    def walkthroughs(self) -> Iterator[dict[str, Any]]:
        return self.staging.walkthroughs()

    def condition_events(self) -> Iterator[dict[str, Any]]:
        return self.staging.condition_events()

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
            action_events=list(self.staging.action_events()),
            survey_removals=list(self.staging.survey_removals()),
            walkthroughs=list(self.walkthroughs()),
            condition_events=list(self.condition_events()),
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
    except NotImplementedError as exc:  # e.g. a directory entry claiming zip version 6.4
        raise BundleRefused(
            "corrupt",
            f"{source} is damaged: its archive directory asks for a zip feature no bundle "
            f"uses ({quoted(str(exc))}). Copy the file again from its source, or ask for a "
            "fresh export.",
        ) from None
    with archive:
        members = check_members(archive, source, limits)
        if MANIFEST not in members:
            raise BundleRefused("missing-entry", f"{source} has no manifest; it is not a bundle.")
        manifest_bytes = read_member(archive, members[MANIFEST], limits.manifest_bytes, source)
        manifest = _manifest(manifest_bytes, source)
        if SIGNATURE not in members:
            raise BundleRefused(
                "unsigned", f"{source} is not signed; HQ only accepts signed bundles."
            )
        signature = read_member(archive, members[SIGNATURE], MAX_SIGNATURE_BYTES, source)
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
    specs = entry_specs(header.manifest, members, source, limits)
    staging = staging or Staging()
    staging.clear()
    reader = ContentReader(header.manifest, source, staging, not_after=not_after, models=models)
    small = min(limits.small_entry_bytes, limits.entry_bytes)
    district = reader.district(
        read_entry(archive, members[DISTRICT], specs[DISTRICT], small, source)
    )
    rounds = reader.rounds(read_entry(archive, members[ROUNDS], specs[ROUNDS], small, source))
    if staging.memory is not None:  # a merge: recall the lines of the bundle's workspace
        staging.memory.open(header.manifest, header.signer_fingerprint, reader.round_models)
    entries = (
        (RATING_EVENTS, reader.event_line, "a rating event (its id or its place in the order)"),
        (SURVEY_RESPONSES, reader.response_line, "a survey response (round, role and key)"),
        (ACTION_EVENTS, reader.action_line, "an action event (its id or its place in the order)"),
        (SURVEY_REMOVALS, reader.removal_line, "a removed survey response"),
        (WALKTHROUGHS, reader.walkthrough_line, "a walkthrough (its id or its place)"),
        (CONDITION_EVENTS, reader.condition_line, "a condition event (its id or its place)"),
    )
    entries = tuple(e for e in entries if e[0] in specs)  # the entries of its format
    with staging.loading():
        for name, take, what in entries:
            try:
                for number, line in entry_lines(
                    archive, members[name], specs[name], limits, source
                ):
                    take(number, line)
                staging.flush()
                if name == RATING_EVENTS:  # the lines HQ recalled are staged by identity
                    staging.check_remembered()
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
            f"up to '{BUNDLE_FORMATS[-1]}'. Update the app (or ask for an export from a matching "
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
        and (  # a calibration case's bundle names its case, and only such a bundle does
            _is_uuid(manifest.get("calibration_case"))
            if fmt == CASE_BUNDLE_FORMAT
            else "calibration_case" not in manifest
        )
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
