"""The Word report for the client district (SPEC §1.5–1.7, issue 5).

``write_report(ws, round_id, out_path)`` gathers the round's results from the workspace,
draws the charts (matplotlib, imported only here) and writes a styled Word document with
python-docx, atomically.
"""

from onpoint_desktop.report.writer import write_report

__all__ = ["write_report"]
