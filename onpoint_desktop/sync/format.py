"""The sync bundle format: names, versions, limits, canonical JSON, and refusals.

A bundle (``.onpointbundle``) is either a *signed payload* — a zip archive holding
``manifest.json``, ``manifest.sig`` and the data entries — or that payload *sealed* for
HQ (see ``envelope``). The manifest lists every data entry with its size and SHA-256 and
is signed (Ed25519) by the consultant's installation key; the signature covers the exact
bytes of ``manifest.json``, which the writer produces in canonical form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from onpoint_desktop.errors import BundleError

BUNDLE_FORMAT = "onpoint-bundle/1"
BUNDLE_SUFFIX = ".onpointbundle"

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DISTRICT = "district.json"
ROUNDS = "rounds.json"
RATING_EVENTS = "rating_events.jsonl"
SURVEY_RESPONSES = "survey_responses.jsonl"
DATA_ENTRIES = (DISTRICT, ROUNDS, RATING_EVENTS, SURVEY_RESPONSES)

# The only timestamp form the workspace writes; bundles are held to it so that text
# order is time order everywhere (latest-rating rule, latest-bundle rule).
TIMESTAMP_PATTERN = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"


@dataclass(frozen=True)
class Limits:
    """What a bundle reader accepts before it reads anything large.

    The defaults allow districts far larger than any real one (a 200,000-respondent
    survey is ~40 MB of JSON lines) while keeping a hostile file from exhausting memory.
    """

    file_bytes: int = 512 * 1024**2  # the .onpointbundle file as a whole
    entry_bytes: int = 256 * 1024**2  # one decompressed entry
    total_bytes: int = 512 * 1024**2  # all decompressed entries together
    manifest_bytes: int = 1024**2
    entries: int = 16  # members of the archive
    ratio: float = 100.0  # decompressed / compressed, checked for entries over 1 MiB
    ratio_floor: int = 1024**2


DEFAULT_LIMITS = Limits()


class BundleRefused(BundleError):
    """A bundle was refused; ``reason`` is a stable code, the message a sentence.

    Reason codes: ``not-a-bundle``, ``truncated``, ``corrupt``, ``too-large``,
    ``zip-bomb``, ``unsafe-name``, ``duplicate-entry``, ``unexpected-entry``,
    ``missing-entry``, ``unknown-format``, ``unsigned``, ``bad-signature``,
    ``tampered``, ``invalid-content``, ``not-for-this-hq``, ``hq-key-missing``,
    ``unknown-signer``, ``signer-key-mismatch``, ``district-claim``, ``inconsistent``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


SHOWN_CHARS = 60  # of a value quoted in a refusal


def quoted(value: object) -> str:
    """A value from a bundle as quoted in a refusal: one short line, whatever its size."""
    return brief(repr(value))


def brief(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters (a library's message may quote hostile bytes)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def canonical_json(obj: Any) -> bytes:
    """The one byte form of a JSON document that is signed and hashed."""
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def json_lines(records: list[dict[str, Any]]) -> bytes:
    """Records as JSON lines (canonical form per line), the format of the big entries."""
    return b"".join(canonical_json(r) + b"\n" for r in records)
