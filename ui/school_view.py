"""The per-school tab of the score panel: survey sub-scores by school, from the core's
``school_breakdown`` — the same figures and the same suppression as
``onpoint score --by-school`` (no group under min_n, none that would give one away)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.changes import Changes
from ui.session import DistrictSession, follow

HIDDEN = "hidden"


class SchoolView(QWidget):
    """Components down, schools across; respondents per role below; hidden cells say so."""

    def __init__(self, session: DistrictSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: DistrictSession | None = None
        self.stale = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setAccessibleName("Survey sub-scores by school")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        # Schools share the width (names wrap onto two lines) so four or five fit beside
        # the board without scrolling; more scroll.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(64)
        layout.addWidget(self.table, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.set_session(session)

    def set_session(self, session: DistrictSession) -> None:
        follow(
            self.session,
            session,
            {
                "changed": self._changed,
                "roundShown": self._stale,
            },
        )
        self.session = session
        self._stale()

    def _changed(self, change: Changes) -> None:
        if change.rounds or change.responses_of(self.session.round_id):
            self._stale()

    def _stale(self, *_args) -> None:
        """Redraw now if on screen, else when shown (a breakdown reads every school)."""
        self.stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        if self.stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self.stale = False
        session = self.session
        breakdown = session.school_breakdown()
        rnd = session.current_round
        self.table.clear()
        if rnd is None or breakdown is None or not breakdown.schools:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.summary.setText(
                "No survey responses with a school in this round: import survey files with a "
                "School column to see the schools side by side."
            )
            self.note.setText("")
            return
        model = session.scoring_model(rnd.id)
        schools = breakdown.schools
        rates = session.response_rates()
        rate_roles = [r for r in model.roles if rates and rates.schools]  # invitations known
        rows = [c.name for c in model.components] + [f"Respondents ({r}s)" for r in model.roles]
        rows += [f"Response rate ({r}s)" for r in rate_roles]
        self.table.setRowCount(len(rows))
        self.table.setColumnCount(len(schools))
        self.table.setHorizontalHeaderLabels([_wrapped(s) for s in schools])
        for col, school in enumerate(schools):
            self.table.horizontalHeaderItem(col).setToolTip(school)
        self.table.setVerticalHeaderLabels(rows)
        hidden = 0
        for col, school in enumerate(schools):
            for row, comp in enumerate(model.components):
                value = breakdown.of(school, comp.id)
                if value.score is not None:
                    text = f"{value.score:.0f}"
                elif any(c.n for c in value.cells.values()):
                    text = HIDDEN
                    hidden += 1
                else:
                    text = "—"
                self._cell(row, col, text)
            for offset, role in enumerate(model.roles):
                n = breakdown.respondents[school][role]
                hidden += n is None
                self._cell(len(model.components) + offset, col, HIDDEN if n is None else str(n))
            for offset, role in enumerate(rate_roles):
                rate = rates.schools.get(school, {}).get(role)
                row = len(model.components) + len(model.roles) + offset
                text = _rate_text(rate)
                hidden += text == HIDDEN
                self._cell(row, col, text)
        self.summary.setText(
            f"Round {rnd.label}: survey sub-scores (200–1,000) of {len(schools)} schools."
        )
        self.note.setText(
            f"“{HIDDEN}”: fewer than {model.min_n} respondents of a role answered, or showing "
            "the figure would let a hidden group be worked out from the district's. "
            f"{hidden} cells hidden."
            if hidden
            else f"Every group shown has at least {model.min_n} respondents."
        )

    def _cell(self, row: int, col: int, text: str) -> None:
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        if text == HIDDEN:
            item.setForeground(self.palette().placeholderText())
        self.table.setItem(row, col, item)


def _rate_text(rate) -> str:
    """A school's response rate as ``score --by-school`` prints it (``RoleRate.cell``)."""
    return "—" if rate is None else rate.cell()


def _wrapped(name: str) -> str:
    """A school's name on two lines when long ("Jefferson\nElementary")."""
    if len(name) <= 12 or " " not in name:
        return name
    middle = len(name) // 2
    cut = min((i for i, c in enumerate(name) if c == " "), key=lambda i: abs(i - middle))
    return name[:cut] + "\n" + name[cut + 1 :]
