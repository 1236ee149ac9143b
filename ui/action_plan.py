"""The action plan tab of the score panel: a round's actions, added, edited and removed
through undoable commands (``action_commands``); what changed since the last round is the
core's wording (``workspace.actions.action_changes``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.changes import Changes
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.workspace.actions import STATUSES, Action
from ui.action_commands import fields_of
from ui.dialogs import show_error
from ui.session import DistrictSession, follow

COLUMNS = ("Action", "About", "Owner", "Due", "Status", "Since last round")
WIDE = ("Action", "About", "Since last round")  # share the room left by the others


class ActionDialog(QDialog):
    """Add or edit one action: title, what it is about, owner, due date, status, note."""

    def __init__(
        self, session: DistrictSession, action: Action | None, submit, parent=None
    ) -> None:
        super().__init__(parent)
        self.submit = submit  # fields → whether the core took them (the dialog then closes)
        self.setWindowTitle("Edit action" if action else "Add action")
        form = QFormLayout(self)
        self.title = QLineEdit(action.title if action else "")
        self.title.setPlaceholderText("What will the district do?")
        self.about = QComboBox()
        self.about.addItem("— (the whole plan)", (None, None))
        for kind, ident, name in session.action_subjects(action.round_id if action else None):
            prefix = "" if kind == "component" else "    focus area: "
            data = (ident, None) if kind == "component" else (None, ident)
            self.about.addItem(prefix + name, data)
        if action:
            index = self.about.findData((action.component_id, action.area_id))
            self.about.setCurrentIndex(max(index, 0))
        self.owner = QLineEdit(action.owner or "" if action else "")
        self.due = QLineEdit(action.due or "" if action else "")
        self.due.setPlaceholderText("YYYY-MM-DD")
        self.status = QComboBox()
        self.status.addItems(STATUSES)
        self.status.setCurrentText(action.status if action else "planned")
        self.note = QPlainTextEdit(action.note or "" if action else "")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().height() * 4 + 12)
        for text, widget in (
            ("&Title:", self.title),
            ("&About:", self.about),
            ("&Owner:", self.owner),
            ("&Due date:", self.due),
            ("&Status:", self.status),
            ("&Note:", self.note),
        ):
            form.addRow(text, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(460, self.sizeHint().height())

    def accept(self) -> None:
        if self.submit(self.fields()):
            super().accept()

    def fields(self) -> dict[str, object]:
        component, area = self.about.currentData()
        return {
            "title": self.title.text(),
            "component_id": component,
            "area_id": area,
            "owner": self.owner.text().strip() or None,
            "due": self.due.text().strip() or None,
            "status": self.status.currentText(),
            "note": self.note.toPlainText().strip() or None,
        }


class ActionPlanPanel(QWidget):
    """The round's action plan, with Add, Edit, Remove and a status chooser."""

    def __init__(self, session: DistrictSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: DistrictSession | None = None
        self.shown: list[Action] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Action plan")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)  # long titles and changes take two lines, never elided
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            mode = "Stretch" if COLUMNS[col] in WIDE else "ResizeToContents"
            header.setSectionResizeMode(col, getattr(QHeaderView.ResizeMode, mode))
        self.table.itemActivated.connect(lambda *_: self.edit_action())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add action…")
        self.add_button.clicked.connect(self.add_action)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_action)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Take the action off the plan (Edit ▸ Undo brings it back)")
        self.remove_button.clicked.connect(self.remove_action)
        self.status = QComboBox()
        self.status.addItems(STATUSES)
        self.status.setAccessibleName("Status of the selected action")
        self.status.activated.connect(self._status_chosen)
        for widget in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(QLabel("Status:"))
        row.addWidget(self.status)
        layout.addLayout(row)
        self.set_session(session)

    def set_session(self, session: DistrictSession) -> None:
        follow(
            self.session,
            session,
            {
                "changed": self._changed,
                "roundShown": self.refresh,
            },
        )
        self.session = session
        self.refresh()

    def _changed(self, change: Changes) -> None:
        if change.actions_of(self.session.round_id):
            self.refresh()

    def refresh(self, *_args) -> None:
        session = self.session
        selected = self.selected()
        self.shown = session.actions()
        said = session.action_changes()
        self.table.setRowCount(len(self.shown))
        for row, action in enumerate(self.shown):
            cells = (
                action.title,
                self._about(action),
                action.owner or "",
                action.due or "",
                action.status,
                said.get(action.action_id, ""),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(action.note if col == 0 and action.note else text)
                self.table.setItem(row, col, item)
            if selected and action.action_id == selected.action_id:
                self.table.selectRow(row)
        self.table.resizeRowsToContents()
        rnd = session.current_round
        if rnd is None:
            self.summary.setText("Add a round to keep its action plan.")
        else:
            open_ = sum(1 for a in self.shown if a.is_open)
            self.summary.setText(
                f"Round {rnd.label}: {len(self.shown)} actions, {open_} open "
                "(a round added from this one takes the open ones)."
                if self.shown
                else f"No actions in round {rnd.label} yet: add what the district will do "
                "about its focus areas."
            )
        self.add_button.setEnabled(rnd is not None and not session.district_locked)
        self._selection_changed()

    def _about(self, action: Action) -> str:
        if action.component_id:
            components = self.session.scoring_model(action.round_id).by_id
            comp = components.get(action.component_id)
            return comp.name if comp else action.component_id
        if action.area_id:
            return self.session.framework.areas[action.area_id].label
        return "—"

    def selected(self) -> Action | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.shown):
            return None
        return self.shown[rows[0].row()]

    def _selection_changed(self) -> None:
        action = self.selected()
        writable = action is not None and not self.session.district_locked
        for widget in (self.edit_button, self.remove_button, self.status):
            widget.setEnabled(writable)
        if action is not None:
            self.status.setCurrentText(action.status)

    # --- changes -------------------------------------------------------------------------

    def _change(self, before: Action | None, after: dict | None, text: str) -> bool:
        try:
            self.session.change_plan(before, after, text)
        except OnpointError as exc:
            show_error(self, "Action plan", exc)
            return False
        return True

    def add_action(self) -> ActionDialog:
        """Open the dialog that adds an action (window-modal; OK writes it)."""

        def submit(fields: dict) -> bool:
            return self._change(None, fields, f"Add action: {fields['title']}")

        return self._open(ActionDialog(self.session, None, submit, self))

    def edit_action(self) -> ActionDialog | None:
        action = self.selected()
        if action is None:
            return None

        def submit(fields: dict) -> bool:
            if fields == fields_of(action):
                return True
            return self._change(action, fields, f"Edit action: {action.title}")

        return self._open(ActionDialog(self.session, action, submit, self))

    def _open(self, dialog: ActionDialog) -> ActionDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def remove_action(self) -> None:
        action = self.selected()
        if action is not None:
            self._change(action, None, f"Remove action: {action.title}")

    def _status_chosen(self, _index: int) -> None:
        action = self.selected()
        status = self.status.currentText()
        if action is not None and status != action.status:
            self._change(action, {"status": status}, f"{action.title}: {status}")

    def keyPressEvent(self, event) -> None:  # Delete removes the selected action
        if event.key() == Qt.Key.Key_Delete and self.selected() is not None:
            self.remove_action()
            return
        super().keyPressEvent(event)
