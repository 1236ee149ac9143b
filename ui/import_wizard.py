"""Survey ▸ Import survey…: choose a file → check the mapping → import → summary.

The file is read by the core's ``inspect_survey`` and stored by ``import_survey``, both on
a :class:`~ui.workers.Worker`, so the window never freezes. The import opens its own
connection to the workspace and is all-or-nothing: a problem or a Cancel leaves the
round exactly as it was, and the user is told what to do in a dialog.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from onpoint_desktop.errors import Cancelled, OnpointError
from onpoint_desktop.surveys import ImportSummary, import_survey, inspect_survey, remember
from onpoint_desktop.workspace import Workspace
from ui.dialogs import show_error
from ui.mapping_page import MappingPage, describe_skipped
from ui.session import DistrictSession
from ui.workers import Worker

SURVEY_FILTER = "Survey exports (*.csv *.tsv *.txt *.xlsx);;All files (*)"
ROLE_LABELS = {"teacher": "Teacher survey", "leader": "Leader survey"}


def import_into(
    workspace_path: Path,
    path: Path,
    round_id: str,
    role: str,
    mapping,
    unknown_as_missing: bool,
    keep_comments: bool,
    author: str | None = None,
    progress=None,
    cancel=None,
) -> ImportSummary:
    """Import on a connection of the worker's own (the GUI keeps its connection),
    recorded under ``author`` (the name set in Preferences)."""
    with Workspace.open(workspace_path, backup=False) as ws:
        return import_survey(
            ws,
            path,
            round_id,
            role,
            mapping,
            unknown_as_missing=unknown_as_missing,
            keep_comments=keep_comments,
            author=author,
            progress=progress,
            cancel=cancel,
        )


def _progress_to(bar: QProgressBar):
    def show(done: int, total: int) -> None:
        bar.setMaximum(max(total, 1))
        bar.setValue(min(done, max(total, 1)))

    return show


class FilePage(QWizardPage):
    """Which file, whose survey (role), and into which round."""

    def __init__(self, model: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("Choose a survey file")
        self.setSubTitle(
            "Qualtrics, SurveyMonkey, Google Forms or Microsoft Forms exports (CSV, TSV, "
            "Excel), or the Onpoint template. Names and e-mail addresses are never stored."
        )
        self.path = QLineEdit()
        self.path.setPlaceholderText("The exported file")
        self.path.textChanged.connect(self._path_changed)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.role = QComboBox()
        for role in model.workspace.models.get(model.workspace.current_model_id).roles:
            self.role.addItem(ROLE_LABELS.get(role, role), role)
        self.role.currentIndexChanged.connect(self.completeChanged)
        self.round = QComboBox()
        framework = model.workspace.framework
        for rnd in model.rounds():
            self.round.addItem(f"{rnd.label} ({framework.stage_label(rnd.stage)})", rnd.id)
        self.round.setCurrentIndex(max(0, self.round.findData(model.round_id)))
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        form = QFormLayout(self)
        file_label = QLabel("Survey &file:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, where)
        form.addRow("&Respondents:", self.role)
        form.addRow("Into &round:", self.round)
        form.addRow(self.progress)
        self.busy = False

    def file(self) -> Path:
        return Path(self.path.text().strip())

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Survey file", str(self.file().parent), SURVEY_FILTER
        )
        if chosen:
            self.path.setText(chosen)

    def _path_changed(self, text: str) -> None:
        name = Path(text).name.lower()
        for role in ROLE_LABELS:
            if role in name:
                self.role.setCurrentIndex(self.role.findData(role))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy and self.file().is_file()

    def validatePage(self) -> bool:
        return self.wizard().inspect_from_file_page()


class ImportPage(QWizardPage):
    """The import running, with its progress; Cancel stops it and changes nothing."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("Importing")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addStretch(1)
        self.summary: ImportSummary | None = None

    def initializePage(self) -> None:
        self.summary = None
        self.bar.setRange(0, 0)
        self.wizard().start_import()

    def isComplete(self) -> bool:
        return self.summary is not None


class SummaryPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("Imported")
        self.text = QTextBrowser()
        self.text.setAccessibleName("Import summary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        self.setFinalPage(True)


class ImportWizard(QWizard):
    """The survey import wizard for the district on screen."""

    def __init__(self, model: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setWindowTitle("Import survey")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.file_page = FilePage(model)
        self.mapping_page = MappingPage()
        self.import_page = ImportPage()
        self.summary_page = SummaryPage()
        for page in (self.file_page, self.mapping_page, self.import_page, self.summary_page):
            self.addPage(page)
        self.mapping_page.reinspect.connect(self._reinspect)
        self.mapping_page.unknown_as_missing.toggled.connect(self._refresh_counts)
        self.worker: Worker | None = None
        self._inspected: tuple[Path, str] | None = None
        self.currentIdChanged.connect(self._page_changed)
        self.resize(980, 620)

    # --- inspecting ------------------------------------------------------------------------

    @property
    def role(self) -> str:
        return self.file_page.role.currentData()

    @property
    def instrument(self):
        round_id = self.file_page.round.currentData()
        return self.model.workspace.round_model(round_id).instruments[self.role]

    def inspect_from_file_page(self) -> bool:
        """Next on the first page: inspect the file on a worker, then move on."""
        key = (self.file_page.file(), self.role)
        if self._inspected == key and self.mapping_page.preview is not None:
            return True
        self._run_inspection(key, None)
        return False

    def _run_inspection(self, key: tuple[Path, str], mapping) -> None:
        page = self.file_page
        fresh = mapping is None
        if fresh:
            page.busy = True
            page.progress.show()
            page.progress.setRange(0, 0)
            page.completeChanged.emit()
        self.worker = Worker(inspect_survey, key[0], key[1], mapping)
        if fresh:
            self.worker.signals.progress.connect(_progress_to(page.progress))
        self.worker.signals.result.connect(
            lambda preview: self._inspected_file(key, preview, fresh)
        )
        self.worker.signals.error.connect(lambda exc: self._inspection_failed(exc, fresh))
        self.worker.signals.finished.connect(self._worker_done)
        self.worker.start()

    def _inspected_file(self, key, preview, fresh: bool) -> None:
        if fresh and not preview.mapping.item_columns:
            show_error(self, "This file cannot be imported", preview.problems[0])
            return
        self._inspected = key
        self.mapping_page.show_preview(preview, self.instrument, fresh)
        if fresh:
            self.next()

    def _inspection_failed(self, exc: BaseException, fresh: bool) -> None:
        if isinstance(exc, Cancelled):
            return
        if not isinstance(exc, OnpointError):
            raise exc
        show_error(self, "This file cannot be imported", exc)
        if not fresh:
            self.mapping_page.inspecting = False
            self.mapping_page.problems.setText(str(exc))

    def _worker_done(self) -> None:
        self.worker = None
        self.file_page.busy = False
        self.file_page.progress.hide()
        self.file_page.completeChanged.emit()

    def _reinspect(self, mapping) -> None:
        if self.worker is not None:  # an inspection is running: try again shortly
            self.mapping_page._debounce.start()
            return
        self._run_inspection((self.file_page.file(), self.role), mapping)

    def _refresh_counts(self) -> None:
        if self.mapping_page.preview is not None:
            self.mapping_page._show_counts()

    # --- importing -------------------------------------------------------------------------

    def start_import(self) -> None:
        page = self.import_page
        rnd = self.file_page.round.currentText()
        page.label.setText(f"Importing {html.escape(self.file_page.file().name)} into round {rnd}…")
        self.button(QWizard.WizardButton.CancelButton).setText("Cancel import")
        mapping = self.mapping_page.mapping
        self.worker = Worker(
            import_into,
            self.model.path,
            self.file_page.file(),
            self.file_page.round.currentData(),
            self.role,
            mapping,
            self.mapping_page.unknown_as_missing.isChecked(),
            self.mapping_page.keep_comments.isChecked(),
            author=self.model.author,
        )
        self.worker.signals.progress.connect(_progress_to(page.bar))
        self.worker.signals.result.connect(self._imported)
        self.worker.signals.error.connect(self._import_failed)
        self.worker.signals.finished.connect(self._import_done)
        self.worker.start()

    def _imported(self, summary: ImportSummary) -> None:
        self.import_page.summary = summary
        try:
            remember(self.mapping_page.mapping)
        except OnpointError as exc:  # remembering is a convenience; the import stands
            summary.notes.append(f"The mapping was not remembered: {exc}")
        self.model.notify_surveys_changed()
        self.summary_page.text.setHtml(self.summary_html(summary))
        self.import_page.completeChanged.emit()
        self.next()

    def _import_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, OnpointError):
            raise exc
        title = "Import cancelled" if isinstance(exc, Cancelled) else "The survey was not imported"
        self.back()
        show_error(self, title, exc)

    def _import_done(self) -> None:
        self.worker = None
        self.button(QWizard.WizardButton.CancelButton).setText("Cancel")

    def reject(self) -> None:
        """Cancel: stop running work first (the core then changes nothing)."""
        if self.worker is not None:
            self.worker.cancel()
            if self.currentPage() is self.import_page:
                self.import_page.label.setText("Cancelling… nothing will be changed.")
                return
            self.worker.detach()  # an inspection only reads; let it wind down unseen
            self.worker = None
        super().reject()

    def _page_changed(self, _id: int) -> None:
        busy = self.currentPage() is self.import_page
        self.button(QWizard.WizardButton.BackButton).setEnabled(not busy)

    # --- summary ---------------------------------------------------------------------------

    def summary_html(self, summary: ImportSummary) -> str:
        framework = self.model.workspace.framework
        rnd = self.model.workspace.get_round(summary.round_id)
        counts = self.model.workspace.respondent_counts(summary.round_id)
        esc = html.escape
        rows = [
            ("File", f"{esc(summary.file)} — {esc(summary.format_label)}"),
            ("Round", f"{esc(rnd.label)} ({esc(framework.stage_label(rnd.stage))})"),
            ("Rows read", str(summary.rows_read)),
            ("Responses imported", f"<b>{summary.rows_imported}</b>"),
            ("Rows skipped", f"{summary.rows_skipped} ({describe_skipped(summary.skipped)})"),
            ("Items mapped", f"{summary.items_mapped} of {len(self.instrument.items)}"),
            (
                "Respondents in this round",
                ", ".join(f"{n} {role}s" for role, n in sorted(counts.items())) or "none",
            ),
        ]
        if summary.schools:
            rows.append(
                ("By school", ", ".join(f"{esc(s)}: {n}" for s, n in summary.schools.items()))
            )
        if summary.missing_recodes:
            listed = ", ".join(f"{esc(str(k))}: {n}" for k, n in summary.missing_recodes.items())
            rows.append(("Codes read as missing", listed))
        if summary.unknown_as_missing:
            n = sum(summary.unknown_as_missing.values())
            rows.append(("Unknown answers read as missing", str(n)))
        if summary.unmapped_columns:
            rows.append(("Columns not imported", esc("; ".join(summary.unmapped_columns))))
        body = "".join(f"<tr><th align=left>{k}</th><td>{v}</td></tr>" for k, v in rows)
        notes = "".join(f"<p>{esc(n)}</p>" for n in summary.notes)
        return f"<table cellspacing=4>{body}</table>{notes}"


def open_import_wizard(model: DistrictSession, parent: QWidget) -> ImportWizard:
    wizard = ImportWizard(model, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard
