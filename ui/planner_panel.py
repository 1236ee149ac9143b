"""The target planner (SPEC §11), a tab of the score panel: choose the stage median or
p75, for the total or one component; it lists the fewest one-level rating changes that
reach it (the core's exact ``planner``), with the score they give, and applies them as
one undoable step. It recomputes when the round, its ratings or surveys change while it
is on screen."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.changes import Changes
from onpoint_desktop.english import counted
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.planner import Plan
from ui.dialogs import show_error
from ui.round_status import number, signed
from ui.session import DistrictSession, follow


class PlannerPanel(QWidget):
    def __init__(self, session: DistrictSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: DistrictSession | None = None
        self.plan: Plan | None = None
        self.stale = True
        self.setAccessibleName("Target planner")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        form = QFormLayout()
        self.target = QComboBox()
        self.target.addItem("Stage median", "median")
        self.target.addItem("Stage 75th percentile (p75)", "p75")
        self.scope = QComboBox()
        form.addRow("Rea&ch:", self.target)
        form.addRow("Sco&pe:", self.scope)
        layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setObjectName("planSummary")
        self.summary.setWordWrap(True)
        # Its full height whatever the panel's: the sentence is the plan's headline.
        self.summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 3 + 4)
        layout.addWidget(self.summary)
        self.changes = QListWidget()
        self.changes.setAccessibleName("Rating changes of the plan")
        layout.addWidget(self.changes, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.apply_button = QPushButton("Apply these ratings")
        self.apply_button.clicked.connect(self.apply)
        row.addWidget(self.apply_button)
        layout.addLayout(row)
        self.target.currentIndexChanged.connect(self.recompute)
        self.scope.currentIndexChanged.connect(self.recompute)
        self.set_session(session)

    def set_session(self, session: DistrictSession) -> None:
        follow(
            self.session,
            session,
            {
                "changed": self._changed,
                "roundShown": self._round_shown,
            },
        )
        self.session = session
        self._round_shown()

    def _round_shown(self, *_args) -> None:
        """The components of the round's model; the plan is worked out when shown."""
        chosen = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem("Onpoint score (total)", None)
        for comp in self.session.scoring_model().components:
            self.scope.addItem(comp.name, comp.id)
        self.scope.setCurrentIndex(max(self.scope.findData(chosen), 0))
        self.scope.blockSignals(False)
        self._changed(Changes(rounds=True))

    def _changed(self, change: Changes) -> None:
        if change.scores_of(self.session.round_id):
            self.stale = True
            if self.isVisible():
                self.recompute()

    def showEvent(self, event) -> None:
        if self.stale:
            self.recompute()
        super().showEvent(event)

    def recompute(self, *_args) -> None:
        self.stale = False
        try:
            self.plan = self.session.plan(self.target.currentData(), self.scope.currentData())
        except OnpointError as exc:
            self.plan = None
            self.summary.setText(str(exc))
            self.changes.clear()
            self.apply_button.setEnabled(False)
            return
        plan, fw = self.plan, self.session.framework
        what = self.scope.currentText()
        head = f"{what}: {number(plan.score_before, 1)} now; target {plan.target:.0f}."
        if not plan.reachable:
            text = (
                f"{head} No rating changes reach it: even every area at the top level gives "
                f"{number(plan.best_possible, 1)} (the surveys count too)."
            )
        elif not plan.changes:
            text = f"{head} Already reached: no change is needed."
        else:
            gain = None
            if plan.score_after is not None and plan.score_before is not None:
                gain = plan.score_after - plan.score_before
            text = (
                f"{head} The fewest changes that reach it: "
                f"{counted(plan.steps, 'one-level step')}, giving "
                f"{number(plan.score_after, 1)} ({signed(gain)})."
            )
        self.summary.setText(text)
        self.changes.clear()
        for change in plan.changes:
            self.changes.addItem(
                f"{fw.areas[change.area].label}:  {fw.level_label(change.before)} → "
                f"{fw.level_label(change.after)}"
            )
        self.apply_button.setEnabled(bool(plan.changes))

    def apply(self) -> None:
        if self.plan is None:
            return
        try:
            self.session.apply_plan(self.plan)
        except OnpointError as exc:
            show_error(self, "Could not apply the plan", exc)
