"""The action plan section: the round's actions in a table grouped by component, each
with its owner, due date, status and what changed since the last round (the core's
words, ``workspace.actions.action_changes``); then what the last round's plan finished."""

from __future__ import annotations

from docx.document import Document

from onpoint_desktop.english import counted
from onpoint_desktop.report import palette
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.tables import Cell, add_table
from onpoint_desktop.report.text import day_text
from onpoint_desktop.report.word import Captions, heading, keep_with_next
from onpoint_desktop.workspace.actions import Action

ACROSS = "Across components"  # the group of actions about no one component


def component_of(content: ReportContent, action: Action) -> str:
    """The name of the component an action works on (an area's component for an area)."""
    model = content.model
    if action.component_id in model.by_id:
        return model.by_id[action.component_id].name
    for comp in model.components:
        if action.area_id in comp.areas:
            return comp.name
    return ACROSS


def grouped(content: ReportContent) -> list[tuple[str, list[Action]]]:
    """The round's actions by component, in the model's order (then the rest)."""
    order = [c.name for c in content.model.components] + [ACROSS]
    groups: dict[str, list[Action]] = {}
    for action in content.actions:
        groups.setdefault(component_of(content, action), []).append(action)
    return [(name, groups[name]) for name in order if name in groups]


def add_action_plan(
    doc: Document, content: ReportContent, *, captions: Captions, **_: object
) -> None:
    if not content.actions and not content.closed_before:
        return  # no plan kept in the app: no section
    label = content.round.label
    heading(doc, "Action plan", 1)
    open_ = sum(1 for a in content.actions if a.is_open)
    carried = sum(1 for a in content.actions if a.carried_from)
    intro = (
        f"What the district plans to do, as recorded in {label}: "
        f"{counted(len(content.actions), 'action')}, {open_} still open"
    )
    if carried:
        intro += f"; {carried} carried over from the previous round with their status"
    keep_with_next(doc.add_paragraph(intro + "."))
    if content.actions:
        captions.add(doc, "Table", f"Action plan, {label}", keep_with_next=True)
        rows: list[list] = [["Action", "Owner", "Due", "Status", "Since last round"]]
        for name, actions in grouped(content):
            fill = palette.GROUP_FILL
            rows.append([Cell(name, bold=True, fill=fill, colour=palette.text_on(fill), span=5)])
            for action in actions:
                area = content.framework.areas.get(action.area_id or "")
                rows.append(
                    [
                        Cell(
                            action.title,
                            bold=True,
                            note=" · ".join(
                                part
                                for part in (area.label if area else "", action.note or "")
                                if part
                            )
                            or None,
                        ),
                        action.owner or "—",
                        day_text(action.due) if action.due else "—",
                        action.status,
                        content.action_changes.get(action.action_id, ""),
                    ]
                )
        add_table(doc, rows, (2.6, 1.0, 0.9, 0.8, 1.2), font_size=8.5, split_rows=True)
        doc.add_paragraph()  # the sentence below must not touch the table
    if content.closed_before:
        done = [a.title for a in content.closed_before if a.status == "done"]
        dropped = [a.title for a in content.closed_before if a.status == "dropped"]
        parts = []
        if done:
            parts.append(f"done: {'; '.join(done)}")
        if dropped:
            parts.append(f"dropped: {'; '.join(dropped)}")
        doc.add_paragraph(
            f"Closed in the previous round ({counted(len(content.closed_before), 'action')}) — "
            + "; ".join(parts)
            + "."
        )
