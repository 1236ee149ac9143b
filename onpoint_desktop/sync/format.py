"""The sync bundle format: names, versions, limits, canonical JSON, and refusals.

A bundle (``.onpointbundle``) is either a *signed payload* — a zip archive holding
``manifest.json``, ``manifest.sig`` and the data entries — or that payload *sealed* for
HQ (see ``envelope``). The manifest lists every data entry with its size and SHA-256 and
is signed (Ed25519) by the consultant's installation key; the signature covers the exact
bytes of ``manifest.json``, which the writer produces in canonical form.

Format versions. ``onpoint-bundle/5`` is written only from a calibration case's workspace
(SPEC §13): format 4 whose manifest also names the case (``calibration_case``, its UUID),
so that HQ keeps its ratings against the case and never lists it as a district — and an
HQ from before calibration cases refuses it (unknown format) rather than doing so.
``onpoint-bundle/4`` (written now) adds the visit evidence of SPEC §12:
each rating event's ``perspective`` (expert or district) and two entries,
``walkthroughs.jsonl`` and ``condition_events.jsonl``. ``onpoint-bundle/3`` (still read,
without those; every event the expert's) added the action plans' events
(``action_events.jsonl``) and the survey responses removed with their import
(``survey_removals.jsonl``, one line per response key). ``onpoint-bundle/2`` (still read,
without those entries) carries each rating event's place in its workspace's own order
(``seq``) and survey response keys only as ``hmac-sha256:<hex>`` under a secret of the
workspace. ``onpoint-bundle/1`` (the first release) is still read: its events are in the
workspace's order line by line (the first release kept their times strictly increasing
and wrote them in time order) and its response keys are the survey tool's.
"""

from __future__ import annotations

import json
import reprlib
from dataclasses import dataclass
from typing import Any

from onpoint_desktop.clock import INSTANT_PATTERN
from onpoint_desktop.errors import BundleError
from onpoint_desktop.workspace.exchange import RESPONSE_KEY_PREFIX

__all__ = ["RESPONSE_KEY_PREFIX"]  # and the names below

BUNDLE_FORMAT_1 = "onpoint-bundle/1"
BUNDLE_FORMAT_2 = "onpoint-bundle/2"
BUNDLE_FORMAT_3 = "onpoint-bundle/3"
BUNDLE_FORMAT = "onpoint-bundle/4"
CASE_BUNDLE_FORMAT = "onpoint-bundle/5"  # format 4 from a calibration case (see above)
BUNDLE_FORMATS = (
    BUNDLE_FORMAT_1,
    BUNDLE_FORMAT_2,
    BUNDLE_FORMAT_3,
    BUNDLE_FORMAT,
    CASE_BUNDLE_FORMAT,
)
BUNDLE_SUFFIX = ".onpointbundle"

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DISTRICT = "district.json"
ROUNDS = "rounds.json"
RATING_EVENTS = "rating_events.jsonl"
SURVEY_RESPONSES = "survey_responses.jsonl"
ACTION_EVENTS = "action_events.jsonl"
SURVEY_REMOVALS = "survey_removals.jsonl"
WALKTHROUGHS = "walkthroughs.jsonl"
CONDITION_EVENTS = "condition_events.jsonl"
DATA_ENTRIES_BEFORE_3 = (DISTRICT, ROUNDS, RATING_EVENTS, SURVEY_RESPONSES)
DATA_ENTRIES_3 = (*DATA_ENTRIES_BEFORE_3, ACTION_EVENTS, SURVEY_REMOVALS)
EVIDENCE_ENTRIES = (WALKTHROUGHS, CONDITION_EVENTS)  # from onpoint-bundle/4
DATA_ENTRIES = (*DATA_ENTRIES_3, *EVIDENCE_ENTRIES)


def data_entries(fmt: object) -> tuple[str, ...]:
    """The data entries a bundle of format ``fmt`` holds.

    >>> data_entries("onpoint-bundle/2")[-1], data_entries("onpoint-bundle/3")[-1]
    ('survey_responses.jsonl', 'survey_removals.jsonl')
    >>> data_entries("onpoint-bundle/4")[-1]
    'condition_events.jsonl'
    """
    if fmt in (BUNDLE_FORMAT, CASE_BUNDLE_FORMAT):
        return DATA_ENTRIES
    return DATA_ENTRIES_3 if fmt == BUNDLE_FORMAT_3 else DATA_ENTRIES_BEFORE_3


def carries_evidence(fmt: object) -> bool:
    """Whether a bundle of this format carries visit evidence (SPEC §12)."""
    return WALKTHROUGHS in data_entries(fmt)


# The only timestamp form the app writes (``clock``): text order is time order.
TIMESTAMP_PATTERN = INSTANT_PATTERN


@dataclass(frozen=True)
class Limits:
    """What a bundle reader accepts before it reads anything large.

    Chosen so that any file within them is merged or refused within 300 MB of memory
    (SPEC §9): the file and its decrypted payload are held whole (twice ``file_bytes`` at
    most); every entry is read as a stream, line by line, into a scratch database, so
    the entries' sizes cost time, not memory. The largest real district (200,000
    respondents over five rounds, ~40 MB of JSON lines, ~8 MB compressed) fits easily.
    """

    file_bytes: int = 64 * 1024**2  # the .onpointbundle file as a whole
    entry_bytes: int = 160 * 1024**2  # one decompressed entry
    total_bytes: int = 200 * 1024**2  # all decompressed entries together
    manifest_bytes: int = 1024**2
    small_entry_bytes: int = 4 * 1024**2  # district.json and rounds.json
    line_bytes: int = 256 * 1024  # one record (a 20,000-character note is ~80 KB at most)
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
    ``revoked-signer``, ``from-the-future``, ``inconsistent``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


SHOWN_CHARS = 60  # of a value quoted in a refusal
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, SHOWN_CHARS, SHOWN_CHARS
_SHORT.maxlist = _SHORT.maxdict = 4


def quoted(value: object) -> str:
    """A value from a bundle as quoted in a refusal: one short line, whatever its size
    or nesting (``reprlib``: never walks deeper than two levels)."""
    return brief(_SHORT.repr(value))


def brief(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters (a library's message may quote hostile bytes)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def plan_counts_text(counts: dict[str, int]) -> str:
    """What a bundle carries of action plans and removed responses, to append to its
    counts (empty when nothing: bundles of earlier formats carry neither).

    >>> plan_counts_text({"action_events": 3, "survey_removals": 1}), plan_counts_text({})
    (', 3 action-plan events, 1 removed response', '')
    """
    from onpoint_desktop.english import counted

    parts = []
    if counts.get("action_events"):
        parts.append(counted(counts["action_events"], "action-plan event"))
    if counts.get("survey_removals"):
        parts.append(counted(counts["survey_removals"], "removed response"))
    return "".join(f", {part}" for part in parts)


def canonical_json(obj: Any) -> bytes:
    """The one byte form of a JSON document that is signed and hashed (finite numbers
    only: ``ValueError`` otherwise)."""
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def json_lines(records: list[dict[str, Any]]) -> bytes:
    """Records as JSON lines (canonical form per line), the format of the big entries."""
    return b"".join(canonical_json(r) + b"\n" for r in records)
