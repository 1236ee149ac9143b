"""What a hostile file may cost HQ (issue 11, SPEC §9): the signer is decided before any
record is read; JSON nested at any depth is refused cleanly; any file within the limits
is merged or refused within 300 MB (measured in a child process); a refusal never stops
a batch. Files are crafted with the app's own writer (``sync.bundle``)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import tracemalloc
import uuid
from pathlib import Path

import pytest

from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.sync import HQStore, merge_bundles, verify
from onpoint_desktop.sync.bundle import BundleContent, signed_payload, write_bundle
from onpoint_desktop.sync.format import MANIFEST, RATING_EVENTS, SIGNATURE
from tests.cli_support import run
from tests.sync_support import district, export, full_dump, members, resign, rezip, signer

ROOT = Path(__file__).resolve().parent.parent
PEAK_LIMIT_MB = 300


def big_content(responses: int, seed: int = 1) -> BundleContent:
    """A district whose one round holds ``responses`` teacher responses (~250 bytes each
    as JSON lines)."""
    rng = random.Random(seed)
    items = shipped_model("onpoint-1").instruments["teacher"].items
    created = "2024-09-01T00:00:00.000000Z"
    return BundleContent(
        district={
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "name": "Big USD",
            "created_at": created,
        },
        workspace_uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        model="onpoint-1",
        rounds=[
            {
                "id": "2024-25",
                "label": "2024-25",
                "stage": "planning",
                "position": 1,
                "created_at": created,
            }
        ],
        survey_responses=[
            {
                "round": "2024-25",
                "role": "teacher",
                "key": f"hmac-sha256:{rng.getrandbits(256):064x}",
                "school": f"School {n % 40}",
                "answers": {item.id: rng.randint(1, 5) for item in items},
            }
            for n in range(responses)
        ],
    )


def write_payload(content: BundleContent, out: Path, who) -> Path:
    """The writer's signed payload, written as it is (no self-check: it is large)."""
    out.write_bytes(signed_payload(content, who)[0])
    return out


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A bundle of 150,000 responses (~37 MB of JSON lines, ~10 MB on disk) by Ben."""
    root = tmp_path_factory.mktemp("big")
    ben = signer("Ben Cho")
    path = write_payload(big_content(150_000), root / "big.onpointbundle", ben)
    return {"root": root, "path": path, "ben": ben}


def test_a_strangers_large_bundle_is_held_aside_without_reading_a_record(
    big, tmp_path, monkeypatch
):
    """The finding: a 37 MB bundle signed by an unknown key drove HQ to 4.4 GB for 53 s
    before "unknown signer": every record was parsed before the signer was checked."""

    def never(*args, **kwargs):
        raise AssertionError("a record of an untrusted signer's bundle was read")

    monkeypatch.setattr(verify, "ContentReader", never)
    hq, _ = HQStore.create(tmp_path / "hq.db")
    tracemalloc.start()
    (outcome,) = merge_bundles(hq, [big["path"]]).outcomes
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert outcome.status == "pending" and outcome.fingerprint == big["ben"].fingerprint
    assert peak < 3 * big["path"].stat().st_size  # the file, a copy aside: no parse
    hq.close()


# The child's own peak: /proc's VmHWM (ru_maxrss would carry the parent's over exec).
CHILD = textwrap.dedent(
    """
    import re, sys
    from pathlib import Path
    from onpoint_desktop.sync import HQStore, merge_bundles
    hq = HQStore.open(Path(sys.argv[1]))
    summary = merge_bundles(hq, [Path(p) for p in sys.argv[2:]], trust_new_signers=True)
    print(*[o.status for o in summary.outcomes])
    status = Path("/proc/self/status").read_text()
    print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="peak memory from Linux's /proc")
def test_a_large_trusted_bundle_is_merged_within_300_mb(big, tmp_path):
    """The whole merge of a bundle with 150,000 responses, measured in a child process:
    records are read line by line into scratch tables, never all at once."""
    hq_db = tmp_path / "hq.db"
    HQStore.create(hq_db)[0].close()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(hq_db), str(big["path"])],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    statuses, peak_mb = done.stdout.split("\n")[:2]
    assert statuses == "merged", done.stderr
    assert int(peak_mb) <= PEAK_LIMIT_MB, f"peak {peak_mb} MB"
    with HQStore.open(hq_db) as hq:
        assert hq.counts()["survey_responses"] == 150_000


# --- depth-safe JSON, and a batch that goes on ------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    ana = signer("Ana Ruiz")
    good = [
        export(
            district(
                root / f"d{n}.onpoint.db",
                f"District {n}",
                [("2024-25", "planning")],
                seed=n,
                teachers=5,
                leaders=5,
            ),
            root / f"d{n}.onpointbundle",
            ana,
        )
        for n in range(3)
    ]
    return {"root": root, "ana": ana, "good": good}


def nested_manifest(base: Path, out: Path, depth: int = 4000) -> Path:
    """The finding's 4 KB file: a bundle whose manifest is JSON nested 4,000 deep."""
    m = members(base)
    m[MANIFEST] = b"[" * depth + b"]" * depth
    return rezip(m, out)


def nested_record(base: Path, out: Path, who, depth: int = 900) -> Path:
    """A correctly signed bundle whose first rating event is JSON nested ``depth`` deep."""
    import hashlib
    import json

    m = members(base)
    lines = m[RATING_EVENTS].split(b"\n")
    lines[0] = b'{"uuid": ' + b"[" * depth + b"]" * depth + b"}"
    m[RATING_EVENTS] = b"\n".join(lines)
    manifest = json.loads(m[MANIFEST])
    for spec in manifest["entries"]:
        if spec["name"] == RATING_EVENTS:
            spec["size"], spec["sha256"] = (
                len(m[RATING_EVENTS]),
                hashlib.sha256(m[RATING_EVENTS]).hexdigest(),
            )
    manifest["bundle_id"] = str(uuid.uuid4())
    m[MANIFEST], m[SIGNATURE] = resign(manifest, who)
    return rezip(m, out)


def test_deeply_nested_json_is_refused_and_the_batch_goes_on(small, tmp_path):
    """The finding: a 4 KB file of nested JSON crashed ``hq merge`` with a RecursionError
    and aborted the batch; the genuine bundle after it was never merged."""
    deep = nested_manifest(small["good"][0], tmp_path / "deep.onpointbundle")
    assert deep.stat().st_size < 5000
    inner = nested_record(small["good"][1], tmp_path / "inner.onpointbundle", small["ana"])
    hq, _ = HQStore.create(tmp_path / "hq.db")
    summary = merge_bundles(
        hq, [deep, small["good"][0], inner, small["good"][1]], trust_new_signers=True
    )
    assert [o.status for o in summary.outcomes] == ["refused", "merged", "refused", "merged"]
    assert "nested deeper than" in summary.outcomes[0].message
    assert summary.outcomes[2].reason == "invalid-content"
    hq.close()


def test_bundle_verify_refuses_nested_json_with_a_sentence(small, tmp_path, capsys):
    deep = nested_manifest(small["good"][0], tmp_path / "deep.onpointbundle", depth=100_000)
    code, out, err = run(capsys, "bundle", "verify", deep)
    assert code == 1 and out == ""
    assert str(deep) in err and "nested deeper than" in err and "Traceback" not in err


def test_a_line_longer_than_any_record_is_refused_without_holding_it(small, tmp_path):
    import hashlib
    import json

    m = members(small["good"][2])
    m[RATING_EVENTS] = b'{"note": "' + os.urandom(1024**2).hex().encode() + b'"}\n'
    manifest = json.loads(m[MANIFEST])
    for spec in manifest["entries"]:
        if spec["name"] == RATING_EVENTS:
            spec["size"], spec["sha256"] = (
                len(m[RATING_EVENTS]),
                hashlib.sha256(m[RATING_EVENTS]).hexdigest(),
            )
    manifest["bundle_id"] = str(uuid.uuid4())
    m[MANIFEST], m[SIGNATURE] = resign(manifest, small["ana"])
    long_line = rezip(m, tmp_path / "long.onpointbundle")
    hq, _ = HQStore.create(tmp_path / "hq.db")
    before = full_dump(hq.conn)
    (outcome,) = merge_bundles(hq, [long_line], trust_new_signers=True).outcomes
    assert outcome.status == "refused" and "longer than 262,144 bytes" in outcome.message
    assert full_dump(hq.conn) == before
    hq.close()


def test_a_hostile_batch_never_stops_and_merges_every_good_bundle(small, tmp_path):
    """Good bundles with hostile ones interleaved: each hostile one refused or held aside,
    every good one merged, in one run."""
    root = small["root"]
    ana = small["ana"]
    good = small["good"]
    hostile = [
        nested_manifest(good[0], tmp_path / "nested.onpointbundle"),
        nested_record(good[1], tmp_path / "nested-record.onpointbundle", ana),
        export(root / "d0.onpoint.db", tmp_path / "stranger.onpointbundle", signer("Mallory")),
        tmp_path / "truncated.onpointbundle",
        tmp_path / "empty.onpointbundle",
        write_bundle(
            big_content(10, seed=5),
            tmp_path / "future.onpointbundle",
            ana,
            None,
            created_at="2099-01-01T00:00:00.000000Z",
        ).path,
    ]
    hostile[3].write_bytes(good[2].read_bytes()[:3000])
    hostile[4].write_bytes(b"")
    files = [f for pair in zip(good, hostile[:3], strict=True) for f in pair] + hostile[3:]
    hq, _ = HQStore.create(tmp_path / "hq.db")
    summary = merge_bundles(hq, files, trust_new_signers=False)
    by_file = {Path(o.source).name: o.status for o in summary.outcomes}
    # Ana is not trusted in this store: her good bundles are held aside, like Mallory's.
    assert [by_file[f.name] for f in good] == ["pending"] * 3
    summary = merge_bundles(hq, files, trust_new_signers=True)
    by_file = {Path(o.source).name: o for o in summary.outcomes}
    assert all(by_file[f.name].status in ("merged", "already-merged") for f in good)
    assert hq.counts()["districts"] == 3  # Mallory sent a copy of District 0
    refused = [by_file[f.name].reason for f in hostile if by_file[f.name].status == "refused"]
    assert sorted(refused) == sorted(
        ["corrupt", "invalid-content", "truncated", "not-a-bundle", "from-the-future"]
    )
    hq.close()
