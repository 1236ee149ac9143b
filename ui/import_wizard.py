"""Survey ▸ Import survey…: file → columns → answers → import → summary.

The wizard walks the core's import stages: the file is taken through them by
``inspect_survey`` (the column page shows the column mapping, the answer page the answer
mapping) and stored by ``import_survey``, both on a :class:`~ui.workers.Worker`, so the
window never freezes. Pressing Import confirms the mapping on screen: the core then
remembers it for files with the same layout (the one rule of ``saved_mappings``). The
import opens its own connection to the workspace and is all-or-nothing: a problem or a
Cancel leaves the round exactly as it was, and the user is told what to do in a dialog.
The first page is small (three fields and the optional number invited); the wizard grows
for the tables of the mapping pages.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QLabel,
    QProgressBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from onpoint_desktop.english import counted
from onpoint_desktop.errors import Cancelled, OnpointError
from onpoint_desktop.surveys import ImportSummary, import_survey, inspect_survey
from onpoint_desktop.workspace import Workspace
from ui.answer_page import AnswerPage
from ui.dialogs import show_error
from ui.mapping_page import MappingPage, describe_skipped
from ui.session import DistrictSession
from ui.survey_file_page import FilePage
from ui.workers import Worker

FIRST_PAGE = QSize(620, 330)
TABLE_PAGES = QSize(1000, 640)


def import_into(
    workspace_path: Path,
    path: Path,
    round_id: str,
    role: str,
    mapping,
    unknown_as_missing: bool,
    keep_comments: bool,
    invited: int = 0,
    author: str | None = None,
    progress=None,
    cancel=None,
) -> ImportSummary:
    """Import on a connection of the worker's own (the GUI keeps its connection),
    recorded under ``author`` (the name set in Preferences); then record the number
    invited, when the user gave one."""
    with Workspace.open(workspace_path, backup=False) as ws:
        summary = import_survey(
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
        if invited:
            ws.set_invited(round_id, role, invited)
        return summary


def _progress_to(bar: QProgressBar):
    def show(done: int, total: int) -> None:
        bar.setMaximum(max(total, 1))
        bar.setValue(min(done, max(total, 1)))

    return show


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

    def __init__(self, session: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Import survey")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)  # nothing to cancel
        self.file_page = FilePage(session)
        self.mapping_page = MappingPage()
        self.answer_page = AnswerPage()
        self.import_page = ImportPage()
        self.summary_page = SummaryPage()
        pages = (
            self.file_page,
            self.mapping_page,
            self.answer_page,
            self.import_page,
            self.summary_page,
        )
        for page in pages:
            self.addPage(page)
        self.answer_page.setButtonText(QWizard.WizardButton.NextButton, "&Import")
        self.mapping_page.reinspect.connect(self._reinspect)
        self.answer_page.reinspect.connect(self._reinspect)
        self.worker: Worker | None = None
        self._inspected: tuple[Path, str, str] | None = None
        self.currentIdChanged.connect(self._page_changed)
        self.resize(FIRST_PAGE)

    # --- inspecting ------------------------------------------------------------------------

    @property
    def role(self) -> str:
        return self.file_page.role.currentData()

    @property
    def round_id(self) -> str:
        return self.file_page.round.currentData()

    @property
    def instrument(self):
        return self.session.survey_instruments(self.round_id)[self.role]

    def inspect_from_file_page(self) -> bool:
        """Next on the first page: inspect the file on a worker, then move on."""
        key = (self.file_page.file(), self.role, self.round_id)
        if self._inspected == key and self.mapping_page.preview is not None:
            return True
        self._run_inspection(key, None)
        return False

    def _run_inspection(self, key: tuple[Path, str, str], mapping) -> None:
        page = self.file_page
        fresh = mapping is None
        if fresh:
            page.busy = True
            page.progress.show()
            page.progress.setRange(0, 0)
            page.completeChanged.emit()
        instruments = self.session.survey_instruments(key[2])
        self.worker = Worker(inspect_survey, key[0], key[1], mapping, instruments=instruments)
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
        self.answer_page.show_preview(preview, self.instrument)
        if fresh:
            self.next()

    def _inspection_failed(self, exc: BaseException, fresh: bool) -> None:
        if isinstance(exc, Cancelled):
            return
        if not isinstance(exc, OnpointError):
            raise exc
        show_error(self, "This file cannot be imported", exc)
        if not fresh:
            for page in (self.mapping_page, self.answer_page):
                page.inspecting = False
                page.problems.setText(str(exc))

    def _worker_done(self) -> None:
        self.worker = None
        self.file_page.busy = False
        self.file_page.progress.hide()
        self.file_page.completeChanged.emit()

    def _reinspect(self, mapping) -> None:
        if self.worker is not None:  # an inspection is running: try again shortly
            self.sender().retry_soon()
            return
        self._run_inspection((self.file_page.file(), self.role, self.round_id), mapping)

    # --- importing -------------------------------------------------------------------------

    def start_import(self) -> None:
        page = self.import_page
        rnd = self.file_page.round.currentText()
        page.label.setText(f"Importing {html.escape(self.file_page.file().name)} into round {rnd}…")
        self.button(QWizard.WizardButton.CancelButton).setText("Cancel import")
        mapping = self.mapping_page.mapping
        mapping.confirm()  # accepted on the wizard's pages: remembered once imported
        self.worker = Worker(
            import_into,
            self.session.path,
            self.file_page.file(),
            self.round_id,
            self.role,
            mapping,
            self.answer_page.unknown_as_missing.isChecked(),
            self.mapping_page.keep_comments.isChecked(),
            self.file_page.invited.value(),
            author=self.session.author,
        )
        self.worker.signals.progress.connect(_progress_to(page.bar))
        self.worker.signals.result.connect(self._imported)
        self.worker.signals.error.connect(self._import_failed)
        self.worker.signals.finished.connect(self._import_done)
        self.worker.start()

    def _imported(self, summary: ImportSummary) -> None:
        self.import_page.summary = summary
        self.session.notify_surveys_changed()
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
        page = self.currentPage()
        self.button(QWizard.WizardButton.BackButton).setEnabled(page is not self.import_page)
        self._fit_to(page)

    def _fit_to(self, page) -> None:
        """A small first page; room for the tables of the mapping pages (within the screen)."""
        wanted = FIRST_PAGE if page is self.file_page else TABLE_PAGES
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            wanted = wanted.boundedTo(QSize(screen.width() - 40, screen.height() - 60))
        if page is self.file_page or self.width() < wanted.width():
            self.resize(wanted)

    # --- summary ---------------------------------------------------------------------------

    def summary_html(self, summary: ImportSummary) -> str:
        framework = self.session.framework
        rnd = self.session.get_round(summary.round_id)
        counts = {r: n for r, n in self.session.respondents(summary.round_id).items() if n}
        esc = html.escape
        rows = [
            ("File", f"{esc(summary.file)} — {esc(summary.format_label)}"),
            ("Round", f"{esc(rnd.label)} ({esc(framework.stage_label(rnd.stage))})"),
            ("Rows read", f"{summary.rows_read:,}"),
            ("Responses imported", f"<b>{summary.rows_imported:,}</b>"),
            ("Rows skipped", f"{summary.rows_skipped:,} ({describe_skipped(summary.skipped)})"),
            ("Items mapped", f"{summary.items_mapped} of {len(self.instrument.items)}"),
            (
                "Respondents in this round",
                ", ".join(counted(n, role) for role, n in sorted(counts.items())) or "none",
            ),
        ]
        if summary.partial:
            rows.insert(4, ("Partial responses", f"{summary.partial:,} (imported, not finished)"))
        rates = self.session.response_rates(summary.round_id).sentence()
        if rates:
            rows.append(("Response rate", esc(rates.removeprefix("Response rate: "))))
        if summary.schools:
            rows.append(
                ("By school", ", ".join(f"{esc(s)}: {n:,}" for s, n in summary.schools.items()))
            )
        if summary.missing_recodes:
            listed = ", ".join(f"{esc(str(k))}: {n:,}" for k, n in summary.missing_recodes.items())
            rows.append(("Codes read as missing", listed))
        if summary.unknown_as_missing:
            n = sum(summary.unknown_as_missing.values())
            rows.append(("Answers without a value read as missing", f"{n:,}"))
        if summary.unmapped_columns:
            rows.append(("Columns not imported", esc("; ".join(summary.unmapped_columns))))
        body = "".join(f"<tr><th align=left>{k}</th><td>{v}</td></tr>" for k, v in rows)
        notes = "".join(f"<p>{esc(n)}</p>" for n in summary.notes)
        return f"<table cellspacing=4>{body}</table>{notes}"


def open_import_wizard(session: DistrictSession, parent: QWidget) -> ImportWizard:
    wizard = ImportWizard(session, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard
