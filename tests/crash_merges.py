"""Killed HQ merges (``crash_harness``): bundles of small districts prepared for a merge,
a merge killed at a random moment, and the check that every bundle is wholly in the HQ
store or wholly absent, each acknowledged one present; hostile files mixed in too."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from crash_harness import Outcome, integrity, kill_during


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
