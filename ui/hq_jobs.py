"""What the HQ window asks of the core, as functions a worker runs (each opens the store
with a connection of its own), and the words it shows for their results.

Nothing is decided here: every function is one or two core calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onpoint_desktop import framework
from onpoint_desktop.english import counted
from onpoint_desktop.errors import Cancelled
from onpoint_desktop.sync import (
    Conflict,
    HQStore,
    MergeSummary,
    PackReadiness,
    PackResult,
    Signer,
    conflicts,
    merge_bundles,
    pack_readiness,
    signers,
    trust_signer,
    write_pack,
)
from onpoint_desktop.sync.benchmark_pack import MIN_DISTRICTS
from onpoint_desktop.sync.calibration_cases import PublishedCase, publish_case
from onpoint_desktop.sync.calibration_ratings import CaseResult, case_agreement
from onpoint_desktop.sync.hq_calibration import Agreement, consultant_agreement
from onpoint_desktop.sync.hq_overview import heads_overview, reading
from onpoint_desktop.sync.hq_picture import NationalPicture, national_picture


@dataclass(frozen=True)
class HQView:
    """What the window shows: the ``hq list`` document (each round's head:
    ``hq_overview.heads_overview``), the conflicts and the signers."""

    document: dict[str, Any]
    conflicts: list[Conflict]
    signers: list[Signer]
    picture: NationalPicture | None = None  # the dashboard's national picture
    agreement: tuple[Agreement, ...] = ()  # consultants who rated the same round
    cases: tuple[CaseResult, ...] = ()  # calibration cases: consultants against the anchor


def read_store(path: Path, progress=None, cancel=None) -> HQView:
    # One snapshot for the whole view: a merge committed meanwhile is in all of it or none.
    with HQStore.open(path) as hq, hq.bulk_read():
        with reading(hq) as read:  # the tree shows each round's head, not its components
            document = heads_overview(read)
        return HQView(
            document,
            read.found,
            signers(hq),
            national_picture(hq),
            tuple(consultant_agreement(hq)),
            tuple(case_agreement(hq)),
        )


def publish_case_file(
    path: Path, source: Path, out: Path, name: str | None, surveys: bool, progress=None, cancel=None
) -> PublishedCase:
    """``onpoint hq calibration-case``: the case file written, the anchor kept."""
    with HQStore.open(path) as hq:
        return publish_case(hq, source, out, name=name, surveys=surveys)


def merge_files(path: Path, files: list[Path], progress=None, cancel=None) -> MergeSummary:
    with HQStore.open(path) as hq:
        return merge_bundles(hq, files, progress=progress, cancel=cancel)


def trust_key(path: Path, fingerprint: str, progress=None, cancel=None) -> MergeSummary:
    """Trust a signer key and merge its held bundles; what was merged, as a summary."""
    with HQStore.open(path) as hq:
        result = trust_signer(hq, fingerprint)
        touched = sorted({o.district_uuid for o in result.merged if o.status == "merged"})
        found = conflicts(hq.conn, touched) if touched else []
    return MergeSummary(result.merged, tuple(found))


def readiness(path: Path, progress=None, cancel=None) -> PackReadiness:
    with HQStore.open(path) as hq:
        return pack_readiness(hq, progress=progress)


def build_pack_file(path: Path, out: Path, progress=None, cancel=None) -> PackResult:
    """Write the benchmark pack; a cancel between districts writes nothing."""

    def step(done: int, total: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled("Benchmark pack cancelled; no file was written.")
        if progress is not None:
            progress(done, total)

    with HQStore.open(path) as hq:
        return write_pack(hq, out, progress=step)


def pack_summary(result: PackResult, out: Path) -> tuple[str, str]:
    fw = framework.framework()
    bm = result.benchmark
    stages = ", ".join(
        f"{fw.stage_label(s)} ({counted(sb.n_districts, 'district')})"
        for s, sb in bm.stages.items()
    )
    text = f"Benchmark pack “{bm.label}” saved as {out.name}, signed by HQ."
    details = (
        f"Built from {counted(result.districts_used, 'district')}. Stages: {stages}. HQ's "
        "lists score against it from now on."
    )
    if result.stages_withheld:
        withheld = ", ".join(
            f"{fw.stage_label(s)} ({counted(n, 'district')})"
            for s, n in result.stages_withheld.items()
        )
        details += (
            f"\n\nWithheld — fewer than {MIN_DISTRICTS} districts with a complete round: "
            f"{withheld}. Consultants see no benchmark band at those stages."
        )
    details += (
        f"\n\nSend the file to consultants (Sync ▸ Import benchmark pack…). Folder: {out.parent}"
    )
    return text, details


def counts_text(view: HQView) -> str:
    """The line under the window's heading: what the store holds, and what it scores against."""
    doc = view.document
    c = doc["counts"]
    unresolved = sum(not conflict.resolved for conflict in view.conflicts)
    text = (
        f"{counted(c['districts'], 'district')}, {counted(c['rounds'], 'round')}, "
        f"{counted(c['merged_bundles'], 'bundle')} from "
        f"{counted(c['signers'], 'trusted signer')}; "
        f"{counted(len(view.conflicts), 'conflict')}"
        + (f" ({unresolved:,} to resolve)" if unresolved else "")
        + f". Scores against: {doc['benchmark']}."
    )
    held = c.get("pending_bundles", 0)
    if held:
        text += (
            f" {counted(held, 'bundle')} held aside until you trust the key that signed "
            f"{'it' if held == 1 else 'them'} (Signers tab)."
        )
    if not c["districts"] and not held and not any(case.raters for case in view.cases):
        text += " No bundles merged yet: choose HQ store ▸ Merge bundles…"
    return text
