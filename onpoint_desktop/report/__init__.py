"""The report for the client district (SPEC §1.5–1.7, §4, §8; issues 5 and 15).

``write_report(ws, round_id, out_path)`` gathers the round's results from the workspace,
draws the charts (matplotlib, imported only here) and writes a styled Word document with
python-docx, atomically; a ``.pdf`` path is converted through LibreOffice.
"""

from onpoint_desktop.report.writer import write_report

__all__ = ["write_report"]
