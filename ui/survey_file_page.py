"""The import wizard's first page: which file, whose survey, into which round, and how
many were invited (the optional denominator of the response rate)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
    QWizardPage,
)

from ui.session import DistrictSession

SURVEY_FILTER = "Survey exports (*.csv *.tsv *.txt *.xlsx *.xls *.sav *.zsav);;All files (*)"
ROLE_LABELS = {"teacher": "Teacher survey", "leader": "Leader survey"}


class FilePage(QWizardPage):
    """Which file, whose survey (role), into which round, and how many were invited."""

    def __init__(self, session: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setTitle("Choose a survey file")
        self.setSubTitle(
            "Qualtrics, SurveyMonkey, Google Forms or Microsoft Forms exports (CSV, TSV, "
            "Excel, SPSS), or the Onpoint template. Names and e-mail addresses are never "
            "stored."
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
        for role in session.current_model.roles:
            self.role.addItem(ROLE_LABELS.get(role, role), role)
        self.role.currentIndexChanged.connect(self._target_changed)
        self.round = QComboBox()
        framework = session.framework
        for rnd in session.rounds():
            self.round.addItem(f"{rnd.label} ({framework.stage_label(rnd.stage)})", rnd.id)
        self.round.setCurrentIndex(max(0, self.round.findData(session.round_id)))
        self.round.currentIndexChanged.connect(self._target_changed)
        self.invited = QSpinBox()
        self.invited.setRange(0, 1_000_000)
        self.invited.setSpecialValueText("not known")
        self.invited.setAccessibleName("Number invited")
        self.invited.setToolTip("How many were sent the survey: gives the response rate.")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        form = QFormLayout(self)
        file_label = QLabel("Survey &file:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, where)
        form.addRow("&Respondents:", self.role)
        form.addRow("Into &round:", self.round)
        invited_label = QLabel("&Invited (optional):")
        invited_label.setBuddy(self.invited)
        form.addRow(invited_label, self.invited)
        form.addRow(self.progress)
        self.busy = False
        self._target_changed()

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

    def _target_changed(self) -> None:
        """Show the number invited already recorded for this round and role, if any."""
        role, round_id = self.role.currentData(), self.round.currentData()
        known = self.session.invitations(round_id).get((role, ""), 0) if round_id else 0
        self.invited.setValue(known)
        self.invited.setSuffix(f" {role}s" if role else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy and self.file().is_file() and self.round.currentData() is not None

    def validatePage(self) -> bool:
        return self.wizard().inspect_from_file_page()
