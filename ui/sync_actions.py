"""The Sync menu of the main window: export and verify bundles, HQ's key, benchmark packs.

Thin over ``onpoint_desktop.sync``: exports and verification run on a worker behind a
progress dialog with Cancel; importing a key or a benchmark pack is a quick, all-or-nothing
core call. Every refusal is shown with what to do, and has changed nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from onpoint_desktop import paths
from onpoint_desktop.english import counted
from onpoint_desktop.errors import OnpointError
from ui.dialogs import BUNDLE_FILTER, show_error, show_failure, show_message
from ui.report_actions import safe_file_name
from ui.workers import Worker, run_with_progress

if TYPE_CHECKING:  # the sync package (cryptography) is imported on first use, not at start-up
    from onpoint_desktop.sync import BundleCheck, ExportResult, Identity
    from ui.bundle_check import BundleCheckDialog

KEY_FILTER = "HQ public key (*.json);;All files (*)"
PACK_FILTER = "Benchmark packs (*.json);;All files (*)"


def export_district(
    workspace_path: Path, out: Path, author: str, progress=None, cancel=None
) -> tuple[ExportResult, Identity]:
    """Export on the worker, signed by this computer's key (named after ``author`` when
    the key is created now, on first use)."""
    from onpoint_desktop.sync import export_bundle, identity

    signer = identity(author)
    result = export_bundle(workspace_path, out, signer=signer, progress=progress, cancel=cancel)
    return result, signer


def export_summary(result: ExportResult, signer: Identity) -> tuple[str, str]:
    """The headline and the details of a finished export."""
    from onpoint_desktop.sync.format import plan_counts_text

    c = result.counts
    size = (
        f"{result.size / 1024**2:,.1f} MB"
        if result.size >= 1024**2
        else f"{result.size / 1024:,.0f} KB"
    )
    text = f"{result.district} was exported to {result.path.name} ({size})."
    if result.calibration_case:
        text = (
            f"Your ratings of the calibration case {result.district} were exported to "
            f"{result.path.name} ({size}); HQ compares them with its own."
        )
    details = (
        f"{counted(c['rounds'], 'round')}, {counted(c['rating_events'], 'rating event')}, "
        f"{counted(c['survey_responses'], 'survey response')}{plan_counts_text(c)}. "
        f"Folder: {result.path.parent}.\n\n"
        f"Signed by {signer.name} (key {signer.fingerprint}). HQ trusts this key once it "
        "has checked that fingerprint with you.\n"
    )
    if result.fitted:
        details += (
            f"{counted(result.fitted, 'text')} recorded before the current limits (names "
            "over 200 characters, notes over 20,000, control characters) went into the bundle "
            "shortened or cleaned; the workspace keeps them as they are.\n"
        )
    if result.sealed_for:
        details += f"Encrypted for HQ (key {result.sealed_for}): only HQ can open it."
    else:
        details += (
            "Not encrypted: no HQ public key is set up on this computer, so anyone holding "
            "the file can read it. Import HQ's key (Sync ▸ Import HQ public key…) to encrypt "
            "future bundles."
        )
    return text, details


class SyncActions:
    """The Sync menu's actions, acting on the main window's district."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.worker: Worker | None = None
        self.last_dialog: BundleCheckDialog | None = None
        self.last_question: QMessageBox | None = None

        def action(text: str, slot, tip: str) -> QAction:
            made = QAction(text, window)
            made.setStatusTip(tip)
            made.triggered.connect(slot)
            return made

        self.export_action = action(
            "&Export sync bundle…",
            self.export_bundle,
            "Write this district's work to one signed file to send to HQ",
        )
        self.verify_action = action(
            "&Verify a bundle…", self.verify_bundle, "Check a bundle's signature and contents"
        )
        self.hq_key_action = action(
            "Import HQ &public key…",
            self.import_hq_key,
            "Encrypt the bundles you export so only HQ can read them",
        )
        self.pack_action = action(
            "Import &benchmark pack…",
            self.import_benchmark_pack,
            "Score against the benchmark HQ built from the districts it merged",
        )

    def actions(self) -> list[QAction | None]:
        """The menu's actions in order; None marks a separator."""
        return [self.export_action, self.verify_action, None, self.hq_key_action, self.pack_action]

    # --- bundles -----------------------------------------------------------------------------

    def export_bundle(self) -> None:
        from onpoint_desktop.sync import BUNDLE_SUFFIX

        session = self.window.session
        name = f"{session.district_name} {date.today().isoformat()}{BUNDLE_SUFFIX}"
        suggested = paths.documents_dir() / safe_file_name(name)
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, "Export sync bundle", str(suggested), BUNDLE_FILTER
        )
        if chosen:
            path = Path(chosen)
            self.export_to(path if path.suffix else path.with_suffix(BUNDLE_SUFFIX))

    def export_to(self, out: Path) -> Worker:
        """Export the district on screen to ``out`` on a worker."""
        if not out.parent.is_dir():
            show_error(
                self.window,
                "The bundle was not exported",
                f"Folder {out.parent} does not exist; choose another folder.",
            )
            return None
        self.worker = run_with_progress(
            self.window,
            "Exporting the sync bundle",
            export_district,
            self.window.session.path,
            out,
            self.window.session.author,
            on_result=self._exported,
            on_error=lambda exc: show_failure(self.window, "The bundle was not exported", exc),
        )
        return self.worker

    def _exported(self, exported: tuple[ExportResult, Identity]) -> None:
        result, signer = exported
        text, details = export_summary(result, signer)
        self.window.statusBar().showMessage(f"Bundle saved: {result.path}", 8000)
        show_message(self.window, "Bundle exported", text, details, path=result.path)

    def verify_bundle(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Verify a bundle", str(paths.documents_dir()), BUNDLE_FILTER
        )
        if chosen:
            self.verify(Path(chosen))

    def verify(self, path: Path, hq_path: Path | None = None) -> Worker:
        """Verify ``path`` on a worker, then show what it holds or why it is refused."""
        from ui.bundle_check import check_file

        self.worker = run_with_progress(
            self.window,
            "Verifying the bundle",
            check_file,
            path,
            hq_path,
            on_result=self._verified,
            on_error=lambda exc: show_failure(self.window, "The bundle was not verified", exc),
        )
        return self.worker

    def _verified(self, check: BundleCheck) -> None:
        from ui.bundle_check import BundleCheckDialog

        self.last_dialog = BundleCheckDialog(check, self.window)
        self.last_dialog.open()

    # --- keys and benchmark packs ------------------------------------------------------------

    def import_hq_key(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Import HQ public key", str(paths.documents_dir()), KEY_FILTER
        )
        if chosen:
            self.import_key_file(Path(chosen))

    def import_key_file(self, path: Path, *, replace: bool = False) -> None:
        """Trust HQ's key file at ``path``; replacing a trusted key is asked first."""
        from onpoint_desktop.sync import import_hq_key
        from onpoint_desktop.sync.keys import HQKeyChange

        try:
            key, previous = import_hq_key(path, replace=replace)
        except HQKeyChange as change:
            self.confirm_key_change(path, change)
            return
        except OnpointError as exc:
            show_error(self.window, "HQ's key was not imported", exc)
            return
        details = "Bundles you export from now on are encrypted so that only HQ can read them"
        details += (
            ", and benchmark packs are accepted only when this key signed them."
            if key.signing_key is not None
            else ". This older key file has no signing key: ask HQ for its current key file "
            "before importing benchmark packs."
        )
        if previous is not None and previous.to_json() != key.to_json():
            details += f"\n\nIt replaces the HQ key you trusted before: {previous.describe()}."
        show_message(self.window, "HQ key imported", f"HQ's {key.describe()} is set up.", details)

    def confirm_key_change(self, path: Path, change) -> QMessageBox:
        """Ask before replacing the trusted HQ key, showing both keys' fingerprints."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Replace HQ's key?",
            f"{path.name} holds another HQ key than the one this computer trusts.",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("replaceHqKey")
        box.setInformativeText(
            f"Trusted now: {change.current.describe()}.\n\nIn the file: "
            f"{change.offered.describe()}.\n\nReplace it only if HQ told you its key changed "
            "and the fingerprints match what HQ gave you."
        )
        replace = box.addButton("&Replace HQ's key", QMessageBox.ButtonRole.DestructiveRole)
        replace.clicked.connect(lambda: self.import_key_file(path, replace=True))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_question = box
        return box

    def import_benchmark_pack(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Import benchmark pack", str(paths.documents_dir()), PACK_FILTER
        )
        if chosen:
            self.import_pack(Path(chosen))

    def import_pack(self, path: Path) -> None:
        session = self.window.session
        try:
            benchmark = session.import_benchmark_pack(path)
        except OnpointError as exc:
            show_error(self.window, "The benchmark pack was not imported", exc)
            return
        fw = session.framework
        stages = ", ".join(
            f"{fw.stage_label(s)} ({counted(sb.n_districts, 'district')})"
            for s, sb in benchmark.stages.items()
        )
        withheld = [fw.stage_label(s) for s in fw.stage_ids if s not in benchmark.stages]
        details = f"Stages: {stages}."
        if withheld:
            details += (
                f" Withheld by HQ (too few districts): {', '.join(withheld)}; rounds at those "
                "stages show no benchmark band."
            )
        details += " Every score and report of this district now uses it."
        show_message(
            self.window,
            "Benchmark pack imported",
            f"Now scoring against “{benchmark.label}” ({benchmark.date}).",
            details,
        )
