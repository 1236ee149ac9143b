"""The target planner (SPEC §11): choose the stage median or p75, for the total or one
component; the dialog lists the fewest one-level rating changes that reach it (the core's
exact ``planner``), with the score they give, and can apply them as one undoable step."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.english import counted
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.planner import Plan
from ui.dialogs import show_error
from ui.round_status import number, signed
from ui.session import DistrictSession


class PlannerDialog(QDialog):
    def __init__(self, session: DistrictSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plan: Plan | None = None
        self.setWindowTitle("Target planner")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.target = QComboBox()
        self.target.addItem("Stage median", "median")
        self.target.addItem("Stage 75th percentile (p75)", "p75")
        self.scope = QComboBox()
        self.scope.addItem("Onpoint score (total)", None)
        for comp in session.scoring_model().components:
            self.scope.addItem(comp.name, comp.id)
        form.addRow("&Reach:", self.target)
        form.addRow("&In:", self.scope)
        layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setObjectName("planSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.changes = QListWidget()
        self.changes.setAccessibleName("Rating changes of the plan")
        layout.addWidget(self.changes, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = buttons.addButton(
            "&Apply these ratings", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.target.currentIndexChanged.connect(self.recompute)
        self.scope.currentIndexChanged.connect(self.recompute)
        self.recompute()

    def recompute(self, *_args) -> None:
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
            return
        self.accept()
