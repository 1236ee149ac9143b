"""Time to write the Word report of a 5-round district (SPEC §7: ≤ 2 s; §14: ≤ 1.3× the
bare baseline).

The district is the demo (three rounds) plus two more Year 3+ rounds with ratings,
evidence notes and about 80 survey respondents each. The script times, in one process:

- *first report*: importing the report package (python-docx; matplotlib is imported on
  the first chart) and writing the report — what a consultant waits for the first time;
- *report*: later reports in the same session (median of ``--repeat``);
- *baseline*: the bare minimum any such report costs — matplotlib drawing figures of the
  same size, resolution and number of panels as the report's charts, and python-docx
  writing a document with the same tables (same cell counts, plain text), those charts
  and as many small pictures as the report has (the survey answer bars, as blank images
  of the same pixel size), with none of our content, styling or scoring.

Report and baseline runs alternate, so a machine shared with other work slows both alike;
the ratio is given in wall-clock time and in CPU time of this process (the steadier of the
two on a busy machine, and the one the target is checked against).

    python bench/report.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from onpoint_desktop.demo import build_demo
from onpoint_desktop.workspace import Response, Workspace

EXTRA_ROUNDS = (("2025-26", "year3"), ("2026-27", "year3"))
TARGET_S = 2.0
RATIO = 1.3  # SPEC §14: report ≤ 1.3× the bare baseline


def build_district(path: Path) -> Workspace:
    """The demo district with two more rounds: five in all."""
    ws = build_demo(path)
    rng = random.Random(20250603)
    levels = ws.levels(ws.latest_round().id)
    schools = ws.schools(ws.latest_round().id)
    for number, (round_id, stage) in enumerate(EXTRA_ROUNDS, start=1):
        ws.add_round(round_id, stage)
        for area in ws.framework.areas:
            level = min(4, levels.get(area, 1) + (rng.random() < 0.5 * number))
            note = f"Round {round_id}: evidence gathered on site for {area}."
            ws.rate(round_id, area, level, note, author="Bench Consultant")
        for role, count in (("teacher", 70), ("leader", 14)):
            items = ws.current_model.instruments[role].item_ids
            ws.add_survey_responses(
                round_id,
                role,
                [
                    Response(
                        f"bench-{round_id}-{role}-{i}",
                        {it: rng.choice((3, 4, 4, 5)) for it in items if rng.random() > 0.04},
                        school=rng.choice(schools),
                    )
                    for i in range(count)
                ],
            )
    return ws


@dataclass(frozen=True)
class Shapes:
    """What the report holds, for a like-for-like baseline."""

    tables: list[tuple[int, int]]  # rows, columns
    charts: list[tuple[float, float, int]]  # width and height (inches), panels
    small_pictures: list[tuple[int, int, float]]  # pixels wide and high, inches wide


def report_shapes(ws: Workspace, path: Path) -> Shapes:
    import docx

    from onpoint_desktop.report.content import gather
    from onpoint_desktop.report.writer import render_charts

    document = docx.Document(str(path))
    tables = [(len(t.rows), len(t.columns)) for t in document.tables]
    rendered = render_charts(gather(ws, ws.latest_round().id))
    charts = [(c.width, c.height, c.panels) for c in rendered.values()]
    from PIL import Image

    small = []
    for shape in document.inline_shapes:
        if shape.width < 914400 * 3:  # the answer bars (charts span the page)
            blip = shape._inline.graphic.graphicData.pic.blipFill.blip
            image = Image.open(io.BytesIO(document.part.related_parts[blip.embed].blob))
            small.append((image.width, image.height, shape.width / 914400))
    return Shapes(tables, charts, small)


def baseline(shapes: Shapes) -> None:
    """The report's figures drawn bare, blank small pictures, a plain document with the
    same tables."""
    import docx
    from docx.shared import Inches
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    from onpoint_desktop.report.charts import DPI

    pictures = []
    for width, height, panels in shapes.charts:
        fig = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(fig)
        for index in range(panels):
            ax = fig.add_subplot(2 if panels > 1 else 1, 4 if panels > 1 else 1, index + 1)
            if panels == 1 and height > 3.2:
                ax.barh(range(8), [600] * 8, left=200)
            else:
                ax.plot(range(5), [500, 560, 610, 650, 700], marker="o")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI)
        pictures.append(buffer.getvalue())
    doc = docx.Document()
    for png in pictures:
        doc.add_picture(io.BytesIO(png), width=Inches(6.5))
    for index, (px_wide, px_high, inches) in enumerate(shapes.small_pictures):
        buffer = io.BytesIO()
        Image.new("RGBA", (px_wide, px_high), (index % 256, 0, 0, 0)).save(buffer, "PNG")
        doc.add_picture(io.BytesIO(buffer.getvalue()), width=Inches(inches))
    for rows, cols in shapes.tables:
        table = doc.add_table(rows=rows, cols=cols)
        for tr in table._tbl.tr_lst:
            for tc in tr.tc_lst:
                tc.p_lst[0].add_r().text = "x"
    doc.save(io.BytesIO())


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def timed_both(fn) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = build_district(folder / "bench.onpoint.db")
        assert len(ws.rounds()) == 5
        out = folder / "report.docx"

        def first() -> None:
            from onpoint_desktop.report import write_report

            write_report(ws, None, out)

        first_s = timed(first)
        from onpoint_desktop.report import write_report

        shapes = report_shapes(ws, out)
        baseline(shapes)  # warm up the baseline's own first-use costs too
        reports, baselines = [], []
        for _ in range(args.repeat):
            reports.append(timed_both(lambda: write_report(ws, None, out)))
            baselines.append(timed_both(lambda: baseline(shapes)))
        size_kb = out.stat().st_size / 1024
        ws.close()
    report_s = statistics.median(r[0] for r in reports)
    baseline_s = statistics.median(b[0] for b in baselines)
    report_cpu = statistics.median(r[1] for r in reports)
    baseline_cpu = statistics.median(b[1] for b in baselines)
    cells = sum(r * c for r, c in shapes.tables)
    print(
        f"Word report of a 5-round district ({len(shapes.tables)} tables, {cells} cells, "
        f"{len(shapes.charts)} charts, {len(shapes.small_pictures)} answer bars, "
        f"{size_kb:.0f} KB)"
    )
    print(f"  first report (imports included) {first_s:6.2f} s   target ≤ {TARGET_S:.1f} s")
    print(f"  report, median of {args.repeat:<2}          {report_s:6.2f} s")
    print(f"  bare baseline, median of {args.repeat:<2}   {baseline_s:6.2f} s")
    print(f"  ratio report / baseline (wall)  {report_s / baseline_s:6.2f}×")
    print(
        f"  ratio report / baseline (CPU)   {report_cpu / baseline_cpu:6.2f}×   target ≤ {RATIO}×"
        f"   ({report_cpu:.2f} s / {baseline_cpu:.2f} s)"
    )
    ok = first_s <= TARGET_S and report_s <= TARGET_S and report_cpu <= RATIO * baseline_cpu
    print("  OK" if ok else "  SLOWER THAN TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
