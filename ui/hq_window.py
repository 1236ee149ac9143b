"""HQ mode: a window on one HQ store — what it holds, merging bundles, benchmark packs.

The window shows ``sync.overview`` (districts, their rounds and stages, scores,
respondents, consultants, conflicts) in sortable views, and runs every store operation on a
worker with a connection of its own (``HQStore.open``) behind a progress dialog with
Cancel: reading the overview, merging bundles (each bundle one transaction in the core; a
cancel keeps the bundles already merged, and the summary says so), and building the
benchmark pack. Nothing is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop import framework, paths
from onpoint_desktop.errors import Cancelled, OnpointError
from onpoint_desktop.sync import (
    Conflict,
    HQStore,
    MergeCancelled,
    MergeSummary,
    PackResult,
    conflicts,
    merge_bundles,
    overview,
    write_pack,
)
from onpoint_desktop.sync.benchmark_pack import MIN_DISTRICTS
from ui.bundle_check import BundleCheckDialog, check_bundle
from ui.dialogs import BUNDLE_FILTER, show_error, show_failure, show_message
from ui.hq_views import DistrictTree, fill_signer_table, signer_table
from ui.merge_dialogs import (
    MergeOptionsDialog,
    MergeSummaryDialog,
    conflict_table,
    fill_conflict_table,
)
from ui.settings import AppSettings
from ui.workers import Worker, run_with_progress

PACK_FILTER = "Benchmark packs (*.json)"
KEY_FILTER = "HQ public key (*.json)"


@dataclass(frozen=True)
class HQView:
    """What the window shows: the ``hq list`` document and the conflicts."""

    document: dict[str, Any]
    conflicts: list[Conflict]


def read_store(path: Path, progress=None, cancel=None) -> HQView:
    with HQStore.open(path) as hq:
        return HQView(overview(hq), conflicts(hq.conn))


def merge_files(
    path: Path, files: list[Path], trust_new_signers: bool, progress=None, cancel=None
) -> MergeSummary:
    with HQStore.open(path) as hq:
        return merge_bundles(
            hq, files, trust_new_signers=trust_new_signers, progress=progress, cancel=cancel
        )


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
        f"{fw.stage_label(s)} ({sb.n_districts} districts)" for s, sb in bm.stages.items()
    )
    text = f"Benchmark pack “{bm.label}” saved as {out.name}."
    details = f"Built from {result.districts_used} districts. Stages: {stages}."
    if result.stages_withheld:
        withheld = ", ".join(
            f"{fw.stage_label(s)} ({n} district{'s' if n != 1 else ''})"
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


class HQWindow(QMainWindow):
    """One HQ store: its overview, and the merge and benchmark-pack actions."""

    def __init__(self, path: Path, settings: AppSettings, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings = settings
        self.path = Path(path)
        self.view: HQView | None = None
        self.worker: Worker | None = None
        self.running: set[Worker] = set()
        self.last_summary: MergeSummaryDialog | None = None
        self.last_check: BundleCheckDialog | None = None
        central = QWidget()
        layout = QVBoxLayout(central)
        self.heading = QLabel()
        self.heading.setObjectName("hqHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)
        layout.addWidget(self.counts)
        self.tabs = QTabWidget()
        self.tree = DistrictTree()
        self.conflicts: QTableWidget = conflict_table()
        self.signers: QTableWidget = signer_table()
        self.tabs.addTab(self.tree, "&Districts")
        self.tabs.addTab(self.conflicts, "&Conflicts")
        self.tabs.addTab(self.signers, "C&onsultants")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._build_actions()
        self.resize(1180, 640)
        self._show_path()

    def _build_actions(self) -> None:
        def action(text: str, slot, shortcut=None, tip: str = "") -> QAction:
            made = QAction(text, self)
            if shortcut:
                made.setShortcut(QKeySequence(shortcut))
            made.setStatusTip(tip)
            made.setToolTip(tip or text.replace("&", "").rstrip("…"))
            made.triggered.connect(slot)
            return made

        self.merge_action = action(
            "&Merge bundles…", self.choose_bundles, "Ctrl+M", "Merge consultants' bundles"
        )
        self.pack_action = action(
            "Build &benchmark pack…",
            self.choose_pack_file,
            "Ctrl+B",
            "Percentiles per stage for consultants to import",
        )
        self.verify_action = action(
            "&Verify a bundle…", self.choose_bundle_to_verify, None, "Check a bundle before merging"
        )
        self.key_action = action(
            "Save HQ &public key…",
            self.choose_key_file,
            None,
            "The file consultants import to encrypt bundles for HQ and check HQ's packs",
        )
        self.refresh_action = action("&Refresh", self.refresh, QKeySequence.StandardKey.Refresh)
        self.close_action = action("&Close window", self.close, QKeySequence.StandardKey.Close)
        store = self.menuBar().addMenu("&HQ store")
        store.addActions([self.merge_action, self.pack_action, self.verify_action])
        store.addAction(self.key_action)
        store.addSeparator()
        store.addActions([self.refresh_action, self.close_action])
        toolbar = self.addToolBar("HQ")
        toolbar.setObjectName("hqToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.merge_action, self.pack_action, self.verify_action])
        toolbar.addSeparator()
        toolbar.addAction(self.refresh_action)

    def _show_path(self) -> None:
        self.setWindowTitle(f"{self.path.name} — HQ — Onpoint Desktop")
        self.heading.setText(f"HQ store: {self.path.name}")
        self.heading.setToolTip(str(self.path))

    # --- reading -----------------------------------------------------------------------------

    def refresh(self) -> Worker:
        """Read the store's overview on a worker and show it."""
        return self._run(
            "Reading the HQ store",
            read_store,
            self.path,
            on_result=self.show_view,
            on_error=lambda exc: show_failure(self, "The HQ store could not be read", exc),
        )

    def show_view(self, view: HQView) -> None:
        self.view = view
        doc = view.document
        c = doc["counts"]
        n_conflicts = len(view.conflicts)
        self.counts.setText(
            f"{c['districts']} districts, {c['rounds']} rounds, {c['merged_bundles']} bundles "
            f"from {c['signers']} consultants; {n_conflicts} "
            f"conflict{'s' if n_conflicts != 1 else ''}. Scores against: {doc['benchmark']}."
            + ("" if c["districts"] else "  No bundles merged yet: choose Merge bundles….")
        )
        self.tree.show_districts(doc["districts"])
        fill_conflict_table(self.conflicts, view.conflicts)
        self.tabs.setTabText(1, f"&Conflicts ({n_conflicts})")
        fill_signer_table(self.signers, doc["signers"])
        self.statusBar().showMessage(f"{self.path}", 0)

    # --- merging -----------------------------------------------------------------------------

    def choose_bundles(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Merge bundles", str(paths.documents_dir()), BUNDLE_FILTER
        )
        if not files:
            return
        chosen = [Path(f) for f in files]
        dialog = MergeOptionsDialog(chosen, self)
        if dialog.exec():
            self.merge(chosen, dialog.trust_new_signers())

    def merge(self, files: list[Path], trust_new_signers: bool) -> Worker:
        """Merge ``files`` on a worker; then the summary, and the overview again."""
        return self._run(
            f"Merging {len(files)} bundles",
            merge_files,
            self.path,
            files,
            trust_new_signers,
            on_result=self._merged,
            on_error=self._merge_failed,
        )

    def _merged(self, summary: MergeSummary, cancelled: MergeCancelled | None = None) -> None:
        self.last_summary = MergeSummaryDialog(summary, cancelled, self)
        self.last_summary.open()
        self.refresh()

    def _merge_failed(self, exc: BaseException) -> None:
        if isinstance(exc, MergeCancelled):
            self._merged(exc.summary, exc)
            return
        show_failure(self, "The merge stopped", exc)
        self.refresh()  # bundles merged before the failure stay merged, each complete

    # --- benchmark pack and verify -----------------------------------------------------------

    def choose_pack_file(self) -> None:
        suggested = paths.documents_dir() / f"Onpoint benchmark {date.today().isoformat()}.json"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Build benchmark pack", str(suggested), PACK_FILTER
        )
        if chosen:
            out = Path(chosen)
            self.build_pack(out if out.suffix else out.with_suffix(".json"))

    def build_pack(self, out: Path) -> Worker:
        return self._run(
            "Building the benchmark pack",
            build_pack_file,
            self.path,
            out,
            on_result=lambda result: self._pack_written(result, out),
            on_error=lambda exc: show_failure(self, "No benchmark pack was written", exc),
        )

    def _pack_written(self, result: PackResult, out: Path) -> None:
        text, details = pack_summary(result, out)
        show_message(self, "Benchmark pack built", text, details, path=out)

    def choose_key_file(self) -> None:
        suggested = paths.documents_dir() / f"{self.path.name} public key.json"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save HQ public key", str(suggested), KEY_FILTER
        )
        if chosen:
            self.save_public_key(Path(chosen))

    def save_public_key(self, out: Path) -> None:
        """Write HQ's public key file (encryption and signing keys) for consultants."""
        from onpoint_desktop.sync.hq_store import write_public_key

        try:
            with HQStore.open(self.path) as hq:
                public = write_public_key(hq, out)
        except OnpointError as exc:
            show_error(self, "HQ's public key was not saved", exc)
            return
        show_message(
            self,
            "HQ public key saved",
            f"HQ's public keys were saved as {out.name}.",
            f"HQ's {public.describe()}.\n\nSend the file to consultants: they import it once "
            "(Sync ▸ Import HQ public key…). Their bundles are then encrypted for HQ, and they "
            "accept only benchmark packs this HQ signed.",
            path=out,
        )

    def choose_bundle_to_verify(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Verify a bundle", str(paths.documents_dir()), BUNDLE_FILTER
        )
        if chosen:
            self.verify(Path(chosen))

    def verify(self, bundle: Path) -> Worker:
        """Verify with this store's key (so encrypted bundles open) and trusted signers."""
        return self._run(
            "Verifying the bundle",
            check_bundle,
            bundle,
            self.path,
            on_result=self._verified,
            on_error=lambda exc: show_failure(self, "The bundle was not verified", exc),
        )

    def _verified(self, check) -> None:
        self.last_check = BundleCheckDialog(check, self)
        self.last_check.open()

    def _run(self, title: str, fn, *args, **kwargs) -> Worker:
        """``run_with_progress``, keeping count of the jobs still running."""
        token = object()
        self.running.add(token)
        self.worker = run_with_progress(
            self, title, fn, *args, on_finished=lambda: self.running.discard(token), **kwargs
        )
        return self.worker

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:  # a progress dialog is up: finish or cancel the job first
            event.ignore()
            return
        super().closeEvent(event)
