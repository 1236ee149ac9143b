"""Visit ▸ Visit evidence: the round's classroom walkthroughs, the district's own view
and the conditions for scale, beside the board (never part of the score).

Three tabs. *Walkthroughs*: the Core Four profile (share of classrooms at each level per
element, overall and per school, with n; small schools merged or counted overall only,
as the core decides) and the components each element informs, with the observations
listed. *Perspectives*: where the district's own ratings differ most from the expert's.
*Conditions*: the ten conditions, each with its state and note, editable from the
keyboard, and the readiness profile by area. Everything shown comes from the session;
the window redraws when the evidence of the round on screen changes.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.changes import Changes
from onpoint_desktop.english import counted
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.evidence.instruments import conditions_instrument
from onpoint_desktop.evidence.profiles import WalkthroughProfile, largest_gaps
from ui.dialogs import show_error
from ui.palette import level_colours, text_on
from ui.session import GAP, DistrictSession

NOT_OBSERVED = QColor("#E6E6E6")
ROW = 22  # pixels per group bar
TITLE = 24  # pixels for an element's title


def profile_colours(levels: int) -> list[QColor]:
    """Grey for "Not observed", then the board's level colours, light to dark."""
    return [NOT_OBSERVED, *level_colours(levels - 1)]


class ProfileChart(QWidget):
    """The walkthrough profile as stacked 100% bars, painted (no chart library)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.profile: WalkthroughProfile | None = None
        self.setMinimumWidth(520)
        self.setAccessibleName("Walkthrough profile")

    def set_profile(self, profile: WalkthroughProfile | None) -> None:
        self.profile = profile
        self.updateGeometry()
        self.setAccessibleDescription(self.describe())
        self.update()

    def groups(self):
        p = self.profile
        return () if p is None or p.n == 0 else (p.overall, *p.schools)

    def describe(self) -> str:
        if not self.groups():
            return "No classrooms observed in this round yet."
        inst = self.profile.instrument
        parts = []
        for element in inst.elements:
            shares = self.profile.overall.element(element.id).shares
            words = ", ".join(
                f"{s:.0%} {label}" for s, (_, label) in zip(shares, inst.levels, strict=True)
            )
            parts.append(f"{element.label}: {words}")
        return "; ".join(parts)

    def sizeHint(self) -> QSize:
        groups = len(self.groups())
        elements = len(self.profile.instrument.elements) if self.profile else 0
        return QSize(640, max(60, elements * (TITLE + groups * ROW) + 40))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.window())
        groups = self.groups()
        if not groups:
            painter.setPen(pal.text().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.describe())
            return
        inst = self.profile.instrument
        colours = profile_colours(len(inst.levels))
        label_width = min(230, self.width() // 3)
        bar_left, bar_width = label_width + 8, self.width() - label_width - 16
        bold = QFont(self.font())
        bold.setBold(True)
        y = 4
        for element in inst.elements:
            painter.setFont(bold)
            painter.setPen(pal.text().color())
            painter.drawText(QRectF(4, y, self.width() - 8, TITLE), Qt.AlignmentFlag.AlignVCenter,
                             element.label)  # fmt: skip
            y += TITLE
            for index, group in enumerate(groups):
                painter.setFont(bold if index == 0 else self.font())
                painter.setPen(pal.text().color())
                painter.drawText(
                    QRectF(4, y, label_width, ROW),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    f"{group.label} (n = {group.n})",
                )
                x = float(bar_left)
                painter.setFont(self.font())
                for level, share in enumerate(group.element(element.id).shares):
                    width = share * bar_width
                    box = QRectF(x, y + 3, width, ROW - 6)
                    painter.fillRect(box, colours[level])
                    if share >= 0.1:
                        painter.setPen(text_on(colours[level]))
                        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, f"{share:.0%}")
                    x += width
                y += ROW
        # the key
        x = float(bar_left)
        y += 8
        for level, label in inst.levels:
            painter.fillRect(QRectF(x, y + 3, 12, 12), colours[level])
            painter.setPen(QPen(pal.mid().color()))
            painter.drawRect(QRectF(x, y + 3, 12, 12))
            painter.setPen(pal.text().color())
            text = f"{level} {label}"
            painter.drawText(QRectF(x + 16, y, 140, 18), Qt.AlignmentFlag.AlignVCenter, text)
            x += 22 + painter.fontMetrics().horizontalAdvance(text)
        painter.end()


class EvidenceWindow(QDialog):
    """The visit evidence of the round on screen (see the module docstring)."""

    def __init__(self, session: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Visit evidence")
        self.session = session
        self.conditions = conditions_instrument()
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self._build_walkthroughs()
        self._build_perspectives()
        self._build_conditions()
        session.changed.connect(self._changed)
        session.roundShown.connect(self.refresh)
        self.resize(900, 680)
        self.refresh()

    # --- walkthroughs ----------------------------------------------------------------------

    def _build_walkthroughs(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.walk_summary = QLabel()
        self.walk_summary.setWordWrap(True)
        top.addWidget(self.walk_summary, 1)
        self.record_button = QPushButton("&Record a walkthrough…")
        self.record_button.clicked.connect(self.record_walkthrough)
        top.addWidget(self.record_button)
        layout.addLayout(top)
        self.chart = ProfileChart()
        scroll = QScrollArea()
        scroll.setWidget(self.chart)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 3)
        self.informs = QLabel()
        self.informs.setWordWrap(True)
        layout.addWidget(self.informs)
        self.observations = _table(["Date", "School", "Grade band", "Subject", "Levels", "Note"])
        layout.addWidget(self.observations, 2)
        self.tabs.addTab(page, "&Walkthroughs")

    def record_walkthrough(self) -> None:
        from ui.walkthrough_dialog import WalkthroughDialog

        if self.session.round_id is None:
            show_error(self, "Add a round first", "Walkthroughs belong to a round; add one.")
            return
        WalkthroughDialog(self.session, self).exec()

    def _show_walkthroughs(self) -> None:
        profile = self.session.walkthrough_profile()
        self.chart.set_profile(profile)
        rows = self.session.walkthroughs()
        if profile is None or profile.n == 0:
            self.walk_summary.setText(
                "No classrooms observed in this round yet. Record one with Visit ▸ Record a "
                "walkthrough (Ctrl+Shift+W)."
            )
            self.informs.setText("")
        else:
            text = (
                f"{counted(profile.n, 'classroom')} observed in "
                f"{counted(profile.overall.schools, 'school')}. Evidence beside the score: "
                "walkthroughs never change the Onpoint score."
            )
            if profile.hidden:
                text += (
                    f" {counted(profile.hidden, 'classroom')} from schools with fewer than "
                    f"{profile.min_n} observed count in the overall profile only."
                )
            self.walk_summary.setText(text)
            names = {c.id: c.name for c in self.session.scoring_model().components}
            self.informs.setText(
                "Informs: "
                + "; ".join(
                    f"{e.label} → {', '.join(names.get(c, c) for c in e.components)}"
                    for e in profile.instrument.elements
                )
            )
        self.observations.setRowCount(len(rows))
        for r, w in enumerate(reversed(rows)):
            levels = " ".join(str(w.levels.get(e)) for e in profile.instrument.element_ids)
            for c, text in enumerate(
                (w.observed_on, w.school, w.grade_band, w.subject, levels, w.note or "")
            ):
                self.observations.setItem(r, c, QTableWidgetItem(text))

    # --- perspectives ------------------------------------------------------------------------

    def _build_perspectives(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.gap_text = QLabel()
        self.gap_text.setWordWrap(True)
        self.gap_text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.gap_text)
        show = QPushButton("Show the &Gap view on the board")
        show.clicked.connect(lambda: self.session.set_board_view(GAP))
        layout.addWidget(show, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.tabs.addTab(page, "&Perspectives")

    def _show_perspectives(self) -> None:
        fw = self.session.framework
        gaps = self.session.perspective_gaps()
        rated = [g for g in gaps if g.district is not None]
        if not rated:
            self.gap_text.setText(
                "The district's own team has not rated the board yet. Switch the board to "
                "<b>District</b> (View ▸ District, Ctrl+Alt+2) and rate with the same keys."
            )
            return
        both = [g for g in gaps if g.gap is not None]
        agree = sum(g.gap == 0 for g in both)
        lines = [
            f"The district rated {counted(len(rated), 'area')}; of the {len(both)} both "
            f"rated, they agree with the expert on {agree}. Only the expert rating is scored.",
            "<br><b>Largest gaps</b> (district minus expert):<ul>",
        ]
        for g in largest_gaps(gaps, 5):
            lines.append(
                f"<li>{fw.areas[g.area].label}: district {fw.level_label(g.district)}, "
                f"expert {fw.level_label(g.expert)} ({g.gap_text})</li>"
            )
        self.gap_text.setText("".join(lines) + "</ul>")

    # --- conditions ----------------------------------------------------------------------------

    def _build_conditions(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.readiness_text = QLabel()
        self.readiness_text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.readiness_text)
        self.condition_table = _table(["Condition", "Readiness area", "State", "Note"])
        self.condition_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.condition_table.itemChanged.connect(self._note_edited)
        layout.addWidget(self.condition_table, 1)
        hint = QLabel(
            "Tab to a state and choose with the arrow keys; type in the Note column to record "
            "what you saw. Conditions are evidence beside the score."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.tabs.addTab(page, "&Conditions for scale")
        self.state_boxes: dict[str, QComboBox] = {}
        areas = {a.id: a.label for a in self.conditions.readiness_areas}
        self._filling = True
        self.condition_table.setRowCount(len(self.conditions.conditions))
        for r, condition in enumerate(self.conditions.conditions):
            item = QTableWidgetItem(condition.label)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(condition.description)
            self.condition_table.setItem(r, 0, item)
            area = QTableWidgetItem(areas[condition.readiness])
            area.setFlags(area.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.condition_table.setItem(r, 1, area)
            box = QComboBox()
            box.addItem("Not rated", None)
            for state in self.conditions.states:
                box.addItem(state.label, state.id)
            box.setAccessibleName(f"{condition.label}: state")
            box.activated.connect(lambda _=0, cid=condition.id: self._state_chosen(cid))
            self.state_boxes[condition.id] = box
            self.condition_table.setCellWidget(r, 2, box)
            self.condition_table.setItem(r, 3, QTableWidgetItem(""))
        self._filling = False

    def _state_chosen(self, condition_id: str) -> None:
        self._save_condition(condition_id)

    def _note_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 3:
            return
        self._save_condition(self.conditions.conditions[item.row()].id)

    def _save_condition(self, condition_id: str) -> None:
        row = [c.id for c in self.conditions.conditions].index(condition_id)
        state = self.state_boxes[condition_id].currentData()
        note = self.condition_table.item(row, 3).text() or None
        current = self.session.conditions().get(condition_id)
        if current is None and state is None:
            return
        if current is not None and (current.state, current.note) == (state, note):
            return
        try:
            self.session.rate_condition(condition_id, state, note if state else None)
        except OnpointError as exc:
            show_error(self, "Could not save the condition", exc)
            self.refresh()

    def _show_conditions(self) -> None:
        current = self.session.conditions()
        self._filling = True
        for r, condition in enumerate(self.conditions.conditions):
            event = current.get(condition.id)
            box = self.state_boxes[condition.id]
            box.setCurrentIndex(box.findData(event.state if event else None))
            self.condition_table.item(r, 3).setText(event.note or "" if event else "")
        self._filling = False
        self.condition_table.resizeRowsToContents()
        labels = {a.id: a.label for a in self.conditions.readiness_areas}
        parts = []
        for r in self.session.readiness():
            shown = "not rated yet" if r.value is None else f"{r.value:.0%} in place"
            parts.append(f"<b>{labels[r.area]}</b>: {shown} ({r.rated} of {len(r.conditions)})")
        self.readiness_text.setText("Readiness — " + " · ".join(parts))

    # --- refresh -------------------------------------------------------------------------------

    def _changed(self, change: Changes) -> None:
        if change.evidence_of(self.session.round_id) or change.ratings:
            self.refresh()

    def refresh(self, *_args) -> None:
        rnd = self.session.current_round
        self.setWindowTitle(f"Visit evidence — {rnd.label}" if rnd else "Visit evidence")
        self._show_walkthroughs()
        self._show_perspectives()
        self._show_conditions()


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setTabKeyNavigation(False)
    table.setWordWrap(True)
    return table
