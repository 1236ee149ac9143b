"""What HQ remembers of the lines it has checked: the quick path of a cumulative bundle.

A workspace's bundles are cumulative: each carries every rating event and survey response
of the ones before it, so at national scale about three lines in four that reach HQ are
lines it has already checked and merged, byte for byte, from the same signer, workspace
and bundle format. HQ keeps a 16-byte BLAKE2b digest of each such line (``line_memory``:
one row per signer, workspace, district, entry and format), written in the transaction
that merges the bundle, so it never remembers a line it did not keep.

A line's checks depend on its bytes, its bundle's format, the app's checks, and its
round: one of the bundle's, scored with a model whose instrument its answers fit. So the
memory is kept per round, with the round's model and which checks read the lines
(``CHECKED_BY``), and a round's lines are only recalled when the bundle names the round
with the same model; else they are read in full and that round's memory starts again.

A remembered line is not parsed. Its identity — a rating event's id and place in the
order, a response's round, role and key — is read from the end of its text (for a line
that was JSON read safely once, those last fields are where their values are: a line
laid out otherwise is simply read in full), and staged so that everything keyed on it is
unchanged: a line the bundle repeats, or whose id or place another line repeats, is a
repeat; a response carried again moves its ``seen_at``. Everything else about it HQ holds
already, as it is: a rating event exactly so (events are never taken away); a survey
response while its district has no removed response, which is why the memory of a
district's responses is neither used nor kept once it has one (tombstones are kept for
ever) or the bundle carries removals.
"""

from __future__ import annotations

import re
import sqlite3
from hashlib import blake2b
from typing import Any

from onpoint_desktop import __version__
from onpoint_desktop.sync.format import BUNDLE_FORMAT_1, RATING_EVENTS, SURVEY_RESPONSES

DIGEST = 16  # bytes of BLAKE2b per line
# Lines recalled for one bundle at most, and kept for one round (a set of them costs about
# 30 MB): past it a round's lines are read in full, whatever a trusted signer sends.
MAX_RECALLED = 400_000
REMEMBERED = (RATING_EVENTS, SURVEY_RESPONSES)  # the entries whose lines HQ remembers
# Which checks the remembered lines passed: change the tail when the checks of rating
# events or survey responses change (content_reader), so lines are read in full again.
CHECKED_BY = f"{__version__}/checks-1"

# The identity at the end of a remembered line, as the app writes it (keys in order); a
# value with an escape in it does not match, and the line is read in full.
_EVENT_TAIL = re.compile(rb',"seq":([1-9][0-9]{0,17}),"uuid":"([0-9a-f-]{36})"\}')
_RESPONSE_TAIL = re.compile(
    rb'\},"key":"([^"\\]{1,200})","role":"([^"\\]{1,200})","round":"([^"\\]{1,400})",'
    rb'"school":(null|"[^"\\]{0,800}")\}'
)
_TAILS = {
    RATING_EVENTS: (_EVENT_TAIL, b',"seq":'),
    SURVEY_RESPONSES: (_RESPONSE_TAIL, b'},"key":"'),
}

LINE_MEMORY = """
CREATE TABLE line_memory (
    signer TEXT NOT NULL,
    workspace_uuid TEXT NOT NULL,
    district_uuid TEXT NOT NULL,
    entry TEXT NOT NULL,  -- rating_events.jsonl or survey_responses.jsonl
    format TEXT NOT NULL,  -- the bundle format the lines were read in
    round_id TEXT NOT NULL,  -- the round the lines name
    model TEXT NOT NULL,  -- the round's model (id@version) when they were checked
    checked_by TEXT NOT NULL,  -- CHECKED_BY of the app that checked them
    digests BLOB NOT NULL,  -- DIGEST bytes per line
    PRIMARY KEY (signer, workspace_uuid, district_uuid, entry, format, round_id)
) WITHOUT ROWID
"""


def add_line_memory(conn: sqlite3.Connection) -> None:
    """The digests of the lines HQ checked and merged (derived: an empty memory only
    makes the next merge of each workspace read every line in full)."""
    conn.execute(LINE_MEMORY)


class LineMemory:
    """One merge run's use of the memory: :meth:`open` it for each bundle once its
    manifest is trusted and its rounds read, ask :meth:`recall` of each line (and
    :meth:`learn` the round of each line read in full), and :meth:`keep` what was learnt,
    in the bundle's own transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._scope: tuple[str, ...] | None = None
        self._rounds: dict[str, str] = {}
        self._known: dict[str, set[bytes]] = {}
        self._stored: dict[tuple[str, str], bytes] = {}  # (entry, round) → digests
        self._beyond: set[tuple[str, str]] = set()  # rounds past what one bundle recalls
        self._learnt: dict[tuple[str, str], list[bytes]] = {}
        self._last = b""  # the digest of the last line not recalled

    def open(self, manifest: dict[str, Any], signer: str, rounds: dict[str, str]) -> None:
        """Recall the lines of the bundle's workspace that name its rounds, each scored
        with the model it has in ``rounds`` (none for a first-release bundle, whose events
        are numbered by their place, or a calibration case's)."""
        self.close()
        fmt = manifest.get("format")
        if fmt == BUNDLE_FORMAT_1 or manifest.get("calibration_case") is not None:
            return
        district = manifest["district"]["uuid"]
        self._scope = (signer, manifest["workspace_uuid"], district, str(fmt))
        self._rounds = rounds
        entries = list(REMEMBERED)
        if not self._responses_hold(district, manifest):
            entries.remove(SURVEY_RESPONSES)
        room = MAX_RECALLED
        for entry in entries:
            known = self._known[entry] = set()
            for round_id, model, checked_by, blob in self.conn.execute(
                "SELECT round_id, model, checked_by, digests FROM line_memory WHERE signer = ? "
                "AND workspace_uuid = ? AND district_uuid = ? AND entry = ? AND format = ?",
                (*self._scope[:3], entry, self._scope[3]),
            ):
                if checked_by != CHECKED_BY or rounds.get(round_id) != model:
                    continue  # read in full, and remembered afresh
                if len(blob) // DIGEST > room:
                    self._beyond.add((entry, round_id))  # read in full, kept as it is
                    continue
                room -= len(blob) // DIGEST
                self._stored[entry, round_id] = blob
                known.update(blob[i : i + DIGEST] for i in range(0, len(blob), DIGEST))

    def _responses_hold(self, district: str, manifest: dict[str, Any]) -> bool:
        """Whether every response HQ merged for the district is still held: no removal
        in the bundle, none in HQ."""
        counts = manifest.get("counts")
        if isinstance(counts, dict) and counts.get("survey_removals"):
            return False
        removed = self.conn.execute(
            "SELECT 1 FROM survey_removals WHERE district_uuid = ? LIMIT 1", (district,)
        ).fetchone()
        return removed is None

    def recall(self, entry: str, line: bytes) -> re.Match[bytes] | None:
        """The identity at the end of ``line`` when it was checked and merged before;
        None for a line to read in full (then :meth:`learn` its round)."""
        known = self._known.get(entry)
        if known is None:
            return None
        digest = self._last = blake2b(line, digest_size=DIGEST).digest()
        if digest in known:
            pattern, start = _TAILS[entry]
            tail = pattern.fullmatch(line, max(0, line.rfind(start)))
            if tail is not None:
                return tail
            self._last = b""  # laid out otherwise: read in full, remembered already
        return None

    def learn(self, entry: str, round_id: str) -> None:
        """The line just read in full (and staged) names ``round_id``."""
        if self._last and entry in self._known:
            self._learnt.setdefault((entry, round_id), []).append(self._last)
        self._last = b""

    def keep(self) -> None:
        """Remember the lines learnt from the bundle being merged (call in its
        transaction, after its facts are merged)."""
        if self._scope is None:
            return
        signer, workspace, district, fmt = self._scope
        holds = self._responses_hold(district, {})  # else a removal came with this bundle
        self.conn.executemany(
            "INSERT OR REPLACE INTO line_memory (signer, workspace_uuid, district_uuid, "
            "entry, format, round_id, model, checked_by, digests) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    signer,
                    workspace,
                    district,
                    entry,
                    fmt,
                    round_id,
                    self._rounds[round_id],
                    CHECKED_BY,
                    self._stored.get((entry, round_id), b"") + b"".join(dict.fromkeys(learnt)),
                )
                for (entry, round_id), learnt in self._learnt.items()
                if (holds or entry != SURVEY_RESPONSES)
                and (entry, round_id) not in self._beyond
                and len(self._stored.get((entry, round_id), b"")) // DIGEST + len(learnt)
                <= MAX_RECALLED
            ],
        )
        self.close()

    def close(self) -> None:
        self._scope = None
        self._rounds = {}
        self._known.clear()
        self._stored.clear()
        self._beyond.clear()
        self._learnt.clear()
        self._last = b""


class RememberedLines:
    """The quick path of :class:`~onpoint_desktop.sync.content_reader.ContentReader` (a
    mixin, like ``LaterEntries``): a remembered line counted and its identity staged."""

    def remembered_event(self, tail: re.Match[bytes]) -> None:
        self.events += 1
        self.staging.add_remembered_event((tail[2].decode(), int(tail[1])))

    def remembered_response(self, tail: re.Match[bytes]) -> None:
        self.responses += 1
        key, role, round_id, school = (part.decode() for part in tail.groups())
        school = None if school == "null" else school[1:-1].strip()
        self.staging.add_response((round_id, role, key, school, None))
