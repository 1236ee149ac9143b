"""Kill a process doing real work at a random moment, then check what survived.

A *scenario* is a child process (this file run as a script) that works on a workspace
and prints one line per acknowledged change, flushing after each, so the parent knows
what was acknowledged before it sent SIGKILL. After the kill the parent reopens the file
and checks: ``PRAGMA integrity_check`` is ok, every acknowledged change is present, and
nothing is half-applied. Used by tests (a few trials) and ``bench/soak.py`` (many).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    acknowledged: list[str]
    integrity: str
    problems: list[str]
    found: str = ""  # what the check found, when a scenario describes it (e.g. per round)

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and not self.problems


def _spawn(args: list[str]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, __file__, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def kill_during(args: list[str], kill_after: float) -> list[str]:
    """Run a child scenario; once it says ``ready``, SIGKILL it after ``kill_after``
    seconds. Returns the lines it printed (its acknowledgements)."""
    child = _spawn(args)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in child.stdout:
            if line.startswith("ready"):
                ready.set()
            lines.append(line)
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(timeout=120):
        child.kill()
        child.communicate()
        raise RuntimeError(f"scenario {args[0]} never became ready")
    time.sleep(kill_after)
    child.send_signal(signal.SIGKILL)
    child.wait()
    reader.join(timeout=10)
    errors = child.stderr.read()
    child.stdout.close()
    child.stderr.close()
    if child.returncode != -signal.SIGKILL:
        raise RuntimeError(f"scenario {args[0]} ended by itself: {errors[-2000:]}")
    return [line.strip() for line in lines if line.strip()]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def rating_burst_trial(db: Path, rng: random.Random) -> Outcome:
    """Kill a burst of ratings; every acknowledged rating event must be in the file."""
    acknowledged = kill_during(["rate", str(db)], rng.uniform(0.3, 1.5))
    acked = [line.split()[1] for line in acknowledged if line.startswith("event ")]
    state = integrity(db)
    problems = []
    if state == "ok":
        conn = sqlite3.connect(db)
        stored = {r[0] for r in conn.execute("SELECT uuid FROM rating_events")}
        conn.close()
        missing = [u for u in acked if u not in stored]
        if missing:
            problems.append(f"{len(missing)} acknowledged rating events lost")
    return Outcome(acked, state, problems)


@dataclass(frozen=True)
class BundleFact:
    """What one prepared bundle holds, to check it is wholly in the HQ store or absent."""

    path: Path
    bundle_id: str
    district_uuid: str
    rating_events: int
    responses: int


SIGNERS: dict[Path, object] = {}  # folder → the identity prepare_bundles signed with


def prepare_bundles(folder: Path, count: int) -> list[BundleFact]:
    """``count`` bundles of distinct small districts, signed by one consultant."""
    import uuid

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from onpoint_desktop.demo import build_demo
    from onpoint_desktop.sync import keys, open_bundle
    from onpoint_desktop.sync.bundle import export_bundle
    from onpoint_desktop.workspace import Response, Workspace

    who = keys.Identity(str(uuid.uuid4()), "Soak Consultant", Ed25519PrivateKey.generate())
    SIGNERS[folder] = who  # for prepare_hostile: the same consultant signs hostile content
    template = folder / "template.onpoint.db"
    build_demo(template).close()
    facts = []
    for n in range(count):
        db = folder / f"district-{n}.onpoint.db"
        with (
            Workspace.create(db, f"Soak District {n}") as ws,
            Workspace.open(template, backup=False) as demo,
        ):
            for rnd in demo.rounds():
                ws.add_round(rnd.id, rnd.stage)
                with ws.transaction():
                    for area, level in demo.levels(rnd.id).items():
                        ws.rate(rnd.id, area, level, author="soak")
                for role in ("teacher", "leader"):
                    rows = demo.conn.execute(
                        "SELECT response_key, school, answers FROM survey_responses "
                        "WHERE round_id = ? AND role = ?",
                        (rnd.id, role),
                    )
                    batch = [Response(k, json.loads(a), s) for k, s, a in rows]
                    ws.add_survey_responses(rnd.id, role, batch)
        out = folder / f"district-{n}.onpointbundle"
        export_bundle(db, out, signer=who, seal=False)
        bundle = open_bundle(out)
        content = bundle.content
        facts.append(
            BundleFact(
                out,
                bundle.bundle_id,
                bundle.district_uuid,
                len(content.rating_events),
                len(content.survey_responses),
            )
        )
    return facts


def merge_trial(hq_db: Path, facts: list[BundleFact], rng: random.Random) -> Outcome:
    """Kill a merge of many bundles; each bundle must be wholly merged or wholly absent,
    and every bundle the merge acknowledged must be there."""
    files = [str(f.path) for f in facts]
    lines = kill_during(["merge", str(hq_db), *files], rng.uniform(0.0, 2.0))
    acked = [line.split()[1] for line in lines if line.startswith("merged ")]
    return merge_trial_check(hq_db, facts, acked)


def merge_trial_check(hq_db: Path, facts: list[BundleFact], acked: list[str]) -> Outcome:
    """Each bundle of ``facts`` wholly merged or wholly absent; each acknowledged there."""
    state = integrity(hq_db)
    problems: list[str] = []
    if state == "ok":
        conn = sqlite3.connect(hq_db)
        merged = {r[0] for r in conn.execute("SELECT bundle_id FROM merged_bundles")}
        for fact in facts:
            events = conn.execute(
                "SELECT count(*) FROM rating_events WHERE district_uuid = ?",
                (fact.district_uuid,),
            ).fetchone()[0]
            responses = conn.execute(
                "SELECT count(*) FROM survey_responses WHERE district_uuid = ?",
                (fact.district_uuid,),
            ).fetchone()[0]
            expected = (fact.rating_events, fact.responses)
            if fact.bundle_id in merged and (events, responses) != expected:
                problems.append(f"{fact.path.name} half-merged: {(events, responses)}")
            if fact.bundle_id not in merged and (events, responses) != (0, 0):
                problems.append(f"{fact.path.name} partly present without its record")
        conn.close()
        lost = [
            path
            for path in acked
            if Path(path).name not in {f.path.name for f in facts}
            or next(f for f in facts if str(f.path) == path).bundle_id not in merged
        ]
        if lost:
            problems.append(f"{len(lost)} acknowledged bundles missing")
    return Outcome(acked, state, problems)


def prepare_hostile(folder: Path, facts: list[BundleFact]) -> list[Path]:
    """Hostile files among which a merge must go on (issue 11), made from a real bundle:
    a manifest of JSON nested 4,000 deep, a record nested 900 deep (re-signed by the same
    consultant), a zip bomb (re-signed), a bundle dated 2099 and a stranger's bundle (both
    from the writer), a truncated file and a file that is not a bundle."""
    import hashlib
    import io
    import uuid
    import zipfile

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from onpoint_desktop.sync import keys, open_bundle
    from onpoint_desktop.sync.bundle import write_bundle
    from onpoint_desktop.sync.format import MANIFEST, RATING_EVENTS, SIGNATURE, SURVEY_RESPONSES

    base = facts[0].path
    with zipfile.ZipFile(base) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    bundle = open_bundle(base)
    content = bundle.content

    def zipped(entries: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for name, blob in entries.items():
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, blob)
        return buffer.getvalue()

    def resigned(name: str, blob: bytes, who: keys.Identity) -> bytes:
        entries = dict(members)
        manifest = json.loads(entries[MANIFEST])
        manifest["bundle_id"] = str(uuid.uuid4())
        for spec in manifest["entries"]:
            if spec["name"] == name:
                spec["size"], spec["sha256"] = len(blob), hashlib.sha256(blob).hexdigest()
        entries[name] = blob
        data = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
        entries[MANIFEST], entries[SIGNATURE] = data, keys.b64(who.sign(data)).encode()
        return zipped(entries)

    # The consultant's key signs again what a broken or hostile app of theirs would send.
    who = SIGNERS[folder]
    made = {
        "nested-manifest": zipped({**members, MANIFEST: b"[" * 4000 + b"]" * 4000}),
        "nested-record": resigned(
            RATING_EVENTS, b"[" * 900 + b"]" * 900 + b"\n" + members[RATING_EVENTS], who
        ),
        "zip-bomb": resigned(SURVEY_RESPONSES, b" " * (60 * 1024**2), who),
        "truncated": base.read_bytes()[: base.stat().st_size // 2],
        "not-a-bundle": b"Name,Email\nJane,jane@example.org\n",
    }
    files = []
    for name, blob in made.items():
        path = folder / f"hostile-{name}.onpointbundle"
        path.write_bytes(blob)
        files.append(path)
    for name, signer, created in (
        ("from-2099", who, "2099-01-01T00:00:00.000000Z"),
        (
            "stranger",
            keys.Identity(str(uuid.uuid4()), "Soak Consultant", Ed25519PrivateKey.generate()),
            None,
        ),
    ):
        out = folder / f"hostile-{name}.onpointbundle"
        write_bundle(content, out, signer, None, created_at=created)
        files.append(out)
    return files


def hostile_merge_trial(
    hq_db: Path, facts: list[BundleFact], hostile: list[Path], rng: random.Random
) -> Outcome:
    """Kill a merge of good bundles with hostile ones interleaved (the store trusts only
    the good bundles' signer): every good bundle whole or absent, every acknowledged good
    bundle present, nothing of a hostile file merged, the store sound."""
    from onpoint_desktop.sync import HQStore, open_bundle
    from onpoint_desktop.sync.hq_signers import record_signer

    with HQStore.open(hq_db) as hq, hq.transaction():
        record_signer(hq, open_bundle(facts[0].path), "trusted")
    files, extra = [], list(hostile)
    for fact in facts:
        files.append(str(fact.path))
        if extra and rng.random() < 0.5:
            files.append(str(extra.pop(0)))
    files += [str(h) for h in extra]
    lines = kill_during(["merge-held", str(hq_db), *files], rng.uniform(0.0, 2.0))
    good = {str(f.path) for f in facts}
    acked = [line.split()[1] for line in lines if line.startswith("merged ")]
    outcome = merge_trial_check(hq_db, facts, [a for a in acked if a in good])
    if outcome.integrity == "ok":
        conn = sqlite3.connect(hq_db)
        ids = {r[0] for r in conn.execute("SELECT bundle_id FROM merged_bundles")}
        conn.close()
        strays = ids - {f.bundle_id for f in facts}
        if strays:
            outcome.problems.append(f"{len(strays)} hostile bundles merged")
    return outcome


# --- survey imports ---------------------------------------------------------------------

QUALTRICS_SAMPLE = ROOT / "tests" / "samples" / "teacher_qualtrics_text.csv"
RESPONSE_ID_COLUMN = 8


def big_qualtrics_export(out: Path, rows: int) -> Path:
    """A Qualtrics export of ``rows`` body rows: the real sample's rows repeated (with
    previews and tests among them) under distinct response ids."""
    import csv
    import itertools

    with QUALTRICS_SAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        sample = list(csv.reader(fh))
    header, body = sample[:3], sample[3:]
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerows(header)
        for n, row in zip(range(rows), itertools.cycle(body)):
            row = list(row)
            row[RESPONSE_ID_COLUMN] = f"{row[RESPONSE_ID_COLUMN]}_{n // len(body)}"
            writer.writerow(row)
    return out


def importable_rows(export: Path) -> int:
    """How many responses a whole import of ``export`` stores (previews, tests skipped)."""
    from onpoint_desktop.model_catalogue import shipped_model
    from onpoint_desktop.surveys import inspect_survey

    instruments = shipped_model("onpoint-1").instruments
    return inspect_survey(export, "teacher", instruments=instruments).rows_to_import


def aggregates_match_rebuild(db: Path) -> bool:
    """Whether the stored survey aggregates equal a rebuild from the stored responses
    (checked inside a transaction that is rolled back: the file is not changed)."""
    from onpoint_desktop.model_catalogue import shipped_model
    from onpoint_desktop.workspace import responses as resp_store

    tables = ("survey_item_stats", "survey_component_counts")
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN")
        stored = [sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables]
        for round_id, model_id in conn.execute("SELECT id, model FROM rounds").fetchall():
            resp_store.rebuild_aggregates(conn, round_id, shipped_model(model_id))
        rebuilt = [sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables]
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    return stored == rebuilt


def import_trial(
    db: Path, export: Path, rounds: list[str], whole: int, kill_after: float
) -> Outcome:
    """Kill imports of ``export`` into ``rounds`` (one after the other) after
    ``kill_after`` seconds of work. Each round must hold all ``whole`` responses with
    their one ``survey_imports`` record, or nothing; every acknowledged import must be
    whole; and the aggregates must equal a rebuild from the stored responses."""
    lines = kill_during(["import", str(db), str(export), *rounds], kill_after)
    acked = [line.split()[1] for line in lines if line.startswith("imported ")]
    state = integrity(db)
    problems: list[str] = []
    if state == "ok":
        conn = sqlite3.connect(db)
        counts = dict(
            conn.execute("SELECT round_id, count(*) FROM survey_responses GROUP BY round_id")
        )
        records = {}
        for round_id, rows_imported in conn.execute(
            "SELECT round_id, rows_imported FROM survey_imports"
        ):
            records.setdefault(round_id, []).append(rows_imported)
        conn.close()
        found = " ".join(
            f"{r}:" + {0: "none", whole: "whole"}.get(counts.get(r, 0), "PARTIAL") for r in rounds
        )
        for round_id in rounds:
            stored = counts.get(round_id, 0)
            if stored not in (0, whole):
                problems.append(f"round {round_id} half-imported: {stored} of {whole}")
            if records.get(round_id, []) != ([stored] if stored else []):
                problems.append(f"round {round_id}: import records {records.get(round_id)}")
        lost = [r for r in acked if counts.get(r, 0) != whole]
        if lost:
            problems.append(f"acknowledged imports missing: {lost}")
        if not aggregates_match_rebuild(db):
            problems.append("aggregates differ from a rebuild of the stored responses")
        return Outcome(acked, state, problems, found)
    return Outcome(acked, state, problems)


# --- child side -------------------------------------------------------------------------


def _child_rate(db: str) -> None:
    from onpoint_desktop.workspace import Workspace

    with Workspace.open(db, backup=False) as ws:
        areas = list(ws.framework.areas)
        rng = random.Random()
        print("ready", flush=True)
        while True:
            event = ws.rate("r1", rng.choice(areas), rng.choice([None, 1, 2, 3, 4]), "burst")
            print("event", event.uuid, flush=True)


def _child_merge(hq_db: str, *files: str) -> None:
    from onpoint_desktop.sync import HQStore, merge_bundles

    hq = HQStore.open(Path(hq_db))

    def acknowledge(done: int, total: int) -> None:
        print("merged", files[done - 1], flush=True)

    print("ready", flush=True)
    merge_bundles(hq, [Path(f) for f in files], trust_new_signers=True, progress=acknowledge)
    print("finished", flush=True)
    time.sleep(600)  # wait for the kill, so every trial ends the same way


def _child_merge_held(hq_db: str, *files: str) -> None:
    """A merge that trusts no new signer (their bundles are held aside)."""
    from onpoint_desktop.sync import HQStore, merge_bundles

    hq = HQStore.open(Path(hq_db))

    def acknowledge(done: int, total: int) -> None:
        print("merged", files[done - 1], flush=True)

    print("ready", flush=True)
    merge_bundles(hq, [Path(f) for f in files], progress=acknowledge)
    print("finished", flush=True)
    time.sleep(600)


def _child_import(db: str, export: str, *rounds: str) -> None:
    import onpoint_desktop.surveys.importer  # noqa: F401 - imported before the clock starts
    from onpoint_desktop.surveys import import_survey
    from onpoint_desktop.workspace import Workspace

    with Workspace.open(db, backup=False) as ws:
        print("ready", flush=True)
        for round_id in rounds:
            summary = import_survey(ws, export, round_id, "teacher")
            print("imported", round_id, summary.rows_imported, flush=True)
    print("finished", flush=True)
    time.sleep(600)  # wait for the kill, so every trial ends the same way


if __name__ == "__main__":
    scenario, *rest = sys.argv[1:]
    {
        "rate": _child_rate,
        "merge": _child_merge,
        "merge-held": _child_merge_held,
        "import": _child_import,
    }[scenario](*rest)
