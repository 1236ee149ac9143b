"""The report's action plan section: grouped by component, with status and what changed
since the last round (issue 14 item 7)."""

from __future__ import annotations

import shutil
from datetime import date

from report_reading import (
    body_text,
    open_report,
    paragraphs,
    rows_of,
    section_text,
    table_with_header,
)

from onpoint_desktop.report import write_report
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.actions import carry_open_actions


def test_the_action_plan_is_grouped_by_component_with_what_changed(demo_db, tmp_path):
    db = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    with Workspace.open(db) as ws:
        vision = ws.add_action(
            "2023-24", "Publish the vision", component_id="strategy_communication", owner="Ana"
        )
        ws.add_action("2023-24", "Device plan", area_id="devices_digital_tools")
        ws.add_action("2023-24", "Pilot dashboards", component_id="data_culture", status="done")
        carry_open_actions(ws, "2023-24", "2024-25")
        carried = next(a for a in ws.actions("2024-25") if a.carried_from == vision.action_id)
        ws.set_action(carried.action_id, status="in progress", due="2025-01-31")
        ws.add_action("2024-25", "Coaching cycles", component_id="instructional_design")
        doc = open_report(write_report(ws, None, tmp_path / "r.docx", today=date(2025, 6, 3)))
    assert "Action plan" in paragraphs(doc, "Heading 1")
    rows = rows_of(table_with_header(doc, "Action"))
    assert rows[0] == ["Action", "Owner", "Due", "Status", "Since last round"]
    groups = [r[0] for r in rows[1:] if len(set(r)) == 1]
    assert groups == ["Strategy Communication", "Instructional Design", "Operations"]
    by_title = {r[0].split("\n")[0]: r for r in rows[1:] if len(set(r)) > 1}
    assert by_title["Publish the vision"][1:] == [
        "Ana", "January 31, 2025", "in progress", "carried: planned → in progress",
    ]  # fmt: skip
    assert by_title["Device plan"][3:] == ["planned", "carried, still planned"]
    assert by_title["Coaching cycles"][4] == "new this round"
    assert "done: Pilot dashboards" in section_text(doc, "Action plan")


def test_no_plan_no_section(demo_db, tmp_path):
    db = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    with Workspace.open(db) as ws:
        doc = open_report(write_report(ws, None, tmp_path / "r.docx", today=date(2025, 6, 3)))
    assert "Action plan" not in paragraphs(doc, "Heading 1")


def test_next_steps_are_the_districts_open_actions_before_proposals(demo_db, tmp_path):
    """Issue 15: the next-steps table is the action plan once the district keeps one; a
    component the plan already works on gets no proposal of its own."""
    db = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    with Workspace.open(db) as ws:
        ws.add_action(
            "2024-25",
            "Teacher innovation fund",
            component_id="culture_of_innovation",
            owner="Maria Lopez",
            due="2025-03-01",
            status="in progress",
        )
        ws.add_action(
            "2024-25", "Coaching pilot", component_id="instructional_design", status="done"
        )
        doc = open_report(write_report(ws, "2024-25", tmp_path / "r.docx", today=date(2025, 6, 3)))
    rows = rows_of(table_with_header(doc, "#"))
    steps = rows[1:]
    assert rows[0][1] == "Action"
    assert steps[0][1:] == [
        "Teacher innovation fund", "Culture of Innovation", "Action plan",
        "Maria Lopez", "March 1, 2025", "In progress",
    ]  # fmt: skip
    proposed = {r[2] for r in steps if r[6] == "Proposed"}
    assert "Culture of Innovation" not in proposed  # the plan works on it already
    assert "Instructional Design" in proposed  # its only action is done
    assert all("Coaching pilot" not in r[1] for r in steps)
    assert "The 1 open action of the district's action plan" in body_text(doc)
