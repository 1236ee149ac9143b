"""HQ mode: a window on one HQ store — what it holds, merging bundles, signers, conflicts,
benchmark packs.

The window shows ``sync.overview`` (districts, their rounds and stages, scores,
respondents, conflicts), ``sync.signers`` and the national picture (``hq_picture``, the
dashboard tab) in sortable views, and runs every store
operation on a worker with a connection of its own (``HQStore.open``) behind a progress
dialog with Cancel: reading the overview, merging bundles (each bundle one transaction in
the core; a cancel keeps the bundles already merged, and the summary says so), trusting a
signer key (which merges its bundles held aside), and building the benchmark pack (after
the core said a pack can be built, before a file name is asked). Nothing is computed here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop import paths
from onpoint_desktop.english import counted
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.sync import (
    Conflict,
    HQStore,
    MergeCancelled,
    MergeSummary,
    PackReadiness,
    PackResult,
    Signer,
    resolve,
    revoke_signer,
)
from ui.bundle_check import BundleCheckDialog, check_file
from ui.dialogs import BUNDLE_FILTER, show_error, show_failure, show_message
from ui.hq_calibration_view import CasePublishing
from ui.hq_dashboard import Dashboard
from ui.hq_jobs import (
    HQView,
    build_pack_file,
    counts_text,
    merge_files,
    pack_summary,
    read_store,
    readiness,
    trust_key,
)
from ui.hq_panels import (
    ConflictsPanel,
    ResolveDialog,
    SignersPanel,
    revoke_question,
    trust_question,
)
from ui.hq_views import DistrictTree
from ui.merge_dialogs import MergeOptionsDialog, MergeSummaryDialog
from ui.settings import AppSettings
from ui.workers import Worker, run_with_progress

PACK_FILTER = "Benchmark packs (*.json)"
KEY_FILTER = "HQ public key (*.json)"


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
        self.conflict_panel = ConflictsPanel(self.ask_resolution)
        self.conflicts: QTableWidget = self.conflict_panel.table
        self.signer_panel = SignersPanel(self.ask_trust, self.ask_revoke)
        self.signers: QTableWidget = self.signer_panel.table
        self.tabs.addTab(self.tree, "&Districts")
        self.tabs.addTab(self.conflict_panel, "&Conflicts")
        self.tabs.addTab(self.signer_panel, "Si&gners")
        self.dashboard = Dashboard()  # HQ's national picture (issue 17)
        self.tabs.addTab(self.dashboard, "Nat&ional picture")
        self.last_question: QMessageBox | None = None
        self.last_resolve: ResolveDialog | None = None
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
        self.case_publishing = CasePublishing(self)  # calibration cases (SPEC §13)
        store.addAction(self.case_publishing.action)
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
        self.counts.setText(counts_text(view))
        self.tree.show_districts(view.document["districts"])
        self.conflict_panel.show_conflicts(view.conflicts)
        unresolved = sum(not c.resolved for c in view.conflicts)
        self.tabs.setTabText(1, f"&Conflicts ({unresolved:,})" if unresolved else "&Conflicts")
        self.signer_panel.show_signers(view.signers)
        waiting = sum(s.status == "pending" for s in view.signers)
        self.tabs.setTabText(2, f"Si&gners ({waiting:,} to check)" if waiting else "Si&gners")
        if view.picture is not None:
            self.dashboard.show_picture(view.picture)
        self.dashboard.show_agreement(view.agreement)
        self.dashboard.cases.show_cases(view.cases)
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
            self.merge(chosen)

    def merge(self, files: list[Path]) -> Worker:
        """Merge ``files`` on a worker; then the summary, and the overview again."""
        return self._run(
            f"Merging {counted(len(files), 'bundle')}",
            merge_files,
            self.path,
            files,
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

    def choose_pack_file(self) -> Worker:
        """Ask the core whether a pack can be built; only then ask where to save it."""
        return self._run(
            "Checking the districts for a benchmark pack",
            readiness,
            self.path,
            on_result=self._ready_for_pack,
            on_error=lambda exc: show_failure(self, "No benchmark pack can be built", exc),
        )

    def _ready_for_pack(self, ready: PackReadiness) -> None:
        if not ready.ready:
            show_message(
                self, "No benchmark pack yet", "Not enough districts yet.", ready.explanation()
            )
            return
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
        self.refresh()  # HQ now scores against the pack it built

    # --- signers and conflicts ----------------------------------------------------------------

    def ask_trust(self, signer: Signer) -> QMessageBox:
        text, details = trust_question(signer)
        return self._ask("Trust a signer key", text, details, "&Trust", lambda: self.trust(signer))

    def trust(self, signer: Signer) -> Worker:
        """Trust the key on a worker (its held bundles are merged); then what it merged."""
        return self._run(
            f"Trusting {signer.name}'s key",
            trust_key,
            self.path,
            signer.fingerprint,
            on_result=self._merged,
            on_error=lambda exc: show_failure(self, "The key was not trusted", exc),
        )

    def ask_revoke(self, signer: Signer) -> QMessageBox:
        text, details = revoke_question(signer)
        return self._ask(
            "Revoke a signer key", text, details, "Re&voke", lambda: self.revoke(signer)
        )

    def revoke(self, signer: Signer) -> None:
        try:
            with HQStore.open(self.path) as hq:
                revoke_signer(hq, signer.fingerprint)
        except OnpointError as exc:
            show_error(self, "The key was not revoked", exc)
            return
        self.refresh()

    def ask_resolution(self, conflict: Conflict) -> ResolveDialog:
        self.last_resolve = ResolveDialog(conflict, self)
        self.last_resolve.accepted.connect(
            lambda d=self.last_resolve: self.resolve(d.conflict, **d.decision())
        )
        self.last_resolve.open()
        return self.last_resolve

    def resolve(self, conflict: Conflict, **decision) -> None:
        """Record HQ's decision (``level=`` or ``keep=``) and show the store again."""
        try:
            with HQStore.open(self.path) as hq:
                resolve(hq, conflict.district_uuid, conflict.round_id, conflict.area_id, **decision)
        except OnpointError as exc:
            show_error(self, "The conflict was not resolved", exc)
            return
        self.refresh()

    def _ask(self, title: str, text: str, details: str, yes: str, then) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self
        )
        box.setObjectName("hqQuestion")
        box.setInformativeText(details)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        button.clicked.connect(then)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_question = box
        return box

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
            check_file,
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
