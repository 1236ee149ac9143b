"""``write_report``: the report of one round, as Word (.docx) or PDF, written atomically.

The document is built in memory, saved to a temporary file beside the target and renamed
over it only when complete: on any failure or cancellation no new or partial file is left,
and an existing report at that path is untouched. A PDF is the same document converted by
LibreOffice (``report.pdf``), refused before any work when LibreOffice is not installed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from onpoint_desktop.atomic import atomic_stream, os_reason
from onpoint_desktop.errors import Cancelled, InputError, ReportError
from onpoint_desktop.report import charts, pdf, trend_charts
from onpoint_desktop.report.charts import Chart
from onpoint_desktop.report.content import ReportContent, gather
from onpoint_desktop.report.document import SECTIONS as DOCUMENT_SECTIONS
from onpoint_desktop.report.document import build_document
from onpoint_desktop.workspace import Workspace

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

SECTIONS = len(DOCUMENT_SECTIONS)  # steps reported by build_document
SUFFIX = ".docx"
PDF = ".pdf"


def check_destination(out_path: Path) -> Path:
    """Refuse, before any work, a path the report cannot be written to (and a PDF when
    LibreOffice, which converts it, is not installed)."""
    if out_path.is_dir():
        raise ReportError(f"{out_path} is a folder; give a file name ending in {SUFFIX} or {PDF}.")
    if out_path.suffix.lower() not in (SUFFIX, PDF):
        raise InputError(
            f"The report file name must end in {SUFFIX} (Word) or {PDF} (got '{out_path.name}')."
        )
    folder = out_path.parent
    if not folder.is_dir():
        raise ReportError(
            f"Cannot write {out_path}: folder {folder} does not exist. Create it or choose "
            "another folder."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportError(f"Cannot write {out_path}: folder {folder} is read-only.")
    if out_path.exists() and not os.access(out_path, os.W_OK):
        raise ReportError(
            f"Cannot write {out_path}: the existing file is read-only (or open in Word). "
            "Close it or choose another name."
        )
    if out_path.suffix.lower() == PDF:
        pdf.require_office()
    return out_path


def chart_count(content: ReportContent) -> int:
    walkthroughs = content.visit is not None and content.visit.has_walkthroughs
    return (3 if len(content.history) > 1 else 1) + walkthroughs


def render_charts(
    content: ReportContent, step: Callable[[], None] = lambda: None
) -> dict[str, Chart]:
    """Each chart once: the components against the benchmark, and the trends when the
    district has more than one round. ``step()`` runs after each chart."""
    drawers = {"components": charts.components_chart}
    if len(content.history) > 1:
        drawers["total_trend"] = trend_charts.total_trend_chart
        drawers["component_trend"] = trend_charts.component_trend_chart
    if content.visit is not None and content.visit.has_walkthroughs:
        from onpoint_desktop.report.visit_chart import walkthrough_chart

        drawers["walkthroughs"] = lambda c: walkthrough_chart(c.visit)
    rendered = {}
    for name, draw in drawers.items():
        rendered[name] = draw(content)
        step()
    return rendered


def write_report(
    ws: Workspace,
    round_id: str | None,
    out_path: str | Path,
    *,
    consultant: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    today: date | None = None,
) -> Path:
    """Write the report of ``round_id`` (default: the latest round) to ``out_path``: a
    Word document, or a PDF when ``out_path`` ends in ``.pdf``.

    ``consultant`` defaults to the name set in Preferences, then ``$ONPOINT_AUTHOR``,
    then whoever rated the round (``preferences.consultant_name``).
    ``progress(done, total)`` is called as work advances; when ``cancel()`` returns True
    the work stops with :class:`~onpoint_desktop.errors.Cancelled` and nothing is written.
    Returns the path written.
    """
    out_path = check_destination(Path(out_path))
    if round_id is None:
        latest = ws.latest_round()
        if latest is None:
            raise InputError(f"{ws.district.name} has no rounds yet; add one with 'round add'.")
        round_id = latest.id
    ws.get_round(round_id)  # a clear error for an unknown round, before any work

    steps = _Steps(progress, cancel)
    content = gather(ws, round_id, consultant=consultant, today=today)
    as_pdf = out_path.suffix.lower() == PDF
    steps.total = 1 + chart_count(content) + SECTIONS + 1 + as_pdf
    steps()
    rendered = render_charts(content, steps)
    document = build_document(content, rendered, steps)
    if not as_pdf:
        _save_atomically(document, out_path)
    else:
        with tempfile.TemporaryDirectory(prefix="onpoint-report-") as tmp:
            word = Path(tmp) / f"{out_path.stem}{SUFFIX}"
            _save_atomically(document, word)
            steps()
            pdf.convert_to_pdf(word, out_path, cancel=cancel)
    steps.finish()
    return out_path


class _Steps:
    """Counts finished steps for ``progress`` and checks ``cancel`` between them."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None) -> None:
        self.progress, self.cancel = progress, cancel
        self.done, self.total = 0, 1

    def __call__(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled("Report cancelled; no file was written.")
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def _save_atomically(document, out_path: Path) -> None:
    try:
        with atomic_stream(out_path) as stream:
            document.save(stream)
    except OSError as exc:
        raise ReportError(
            f"Cannot write {out_path}: {os_reason(exc)}. No file was written."
        ) from None
