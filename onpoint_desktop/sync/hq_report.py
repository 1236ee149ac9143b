"""``onpoint hq report HQ_DB -o OUT.docx``: HQ's national picture as a Word document.

Everything in it comes from :func:`hq_picture.national_picture`: districts per stage;
per stage, the distribution of totals and of each component with every district placed
(a dot each on the chart; the percentile rank of each in the appendix, or in
``hq list --json`` for a national store); coverage; trends; the benchmark packs HQ built;
calibration (``hq_calibration_report``).
Tables are written as one piece of WordprocessingML each (python-docx's row-by-row API
costs a millisecond a cell: a national appendix would take minutes).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from onpoint_desktop import clock
from onpoint_desktop.atomic import atomic_path, os_reason
from onpoint_desktop.english import counted
from onpoint_desktop.errors import WorkspaceError
from onpoint_desktop.sync.hq_calibration_report import add_calibration_section
from onpoint_desktop.sync.hq_chart import strip_chart
from onpoint_desktop.sync.hq_picture import NationalPicture, StageDistribution, national_picture
from onpoint_desktop.sync.hq_ranks import MIN_DISTRICTS
from onpoint_desktop.sync.hq_store import HQStore

TEXT_TWIPS = 9360  # the width of a Letter page's text (6.5 inches), in twentieths of a point
APPENDIX_LIMIT = 2000  # districts listed one by one in the appendix, at most


def write_hq_report(hq: HQStore, out: Path) -> NationalPicture:
    """Write the national report of ``hq`` to ``out`` (atomically); returns the picture."""
    from docx import Document
    from docx.shared import Pt

    picture = national_picture(hq)
    fw = hq.models.framework
    doc = Document()
    doc.styles["Normal"].font.name = "Carlito"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading("Onpoint national picture", 0)
    doc.add_paragraph(
        f"{counted(picture.districts, 'district')} and {counted(picture.rounds, 'round')} in "
        f"the HQ store {hq.path.name}, as of {clock.utc_now()[:10]}. Scores are those the "
        "consultants' own app gives for the same facts; a district is placed by its latest "
        f"complete round, and stages with fewer than {MIN_DISTRICTS} such districts are not "
        "ranked."
    )

    doc.add_heading("Districts per stage", 1)
    doc.add_paragraph("Each district counted once, at the stage of its latest round.")
    _table(
        doc,
        ["Stage", "Districts"],
        [[fw.stage_label(s), f"{n:,}"] for s, n in picture.per_stage.items()],
    )

    doc.add_heading("Coverage", 1)
    doc.add_paragraph(
        "Districts with a round at each stage, and how many of them have a complete one "
        "(every component with both expert ratings and surveys): only those enter a "
        "benchmark pack."
    )
    _table(
        doc,
        ["Stage", "With a round", "Complete", "Share complete"],
        [
            [
                fw.stage_label(c.stage),
                f"{c.with_round:,}",
                f"{c.complete:,}",
                f"{100 * c.complete / c.with_round:.0f}%" if c.with_round else "—",
            ]
            for c in picture.coverage
        ],
    )

    doc.add_heading("Distributions per stage", 1)
    if not picture.distributions:
        doc.add_paragraph("No district has a complete round yet.")
    for dist in picture.distributions:
        model = hq.models.get(dist.model_id)
        doc.add_heading(
            f"{fw.stage_label(dist.stage)} ({counted(len(dist.districts), 'district')}, "
            f"model {dist.model_id})",
            2,
        )
        doc.add_picture(
            io.BytesIO(_strip_chart(dist, fw.stage_label(dist.stage))), width=_inches(6.3)
        )
        names = {c.id: c.name for c in model.components}
        rows = []
        for key, sp in dist.spreads.items():
            label = "Onpoint score (total)" if key == "total" else names.get(key, key)
            if sp is None:
                rows.append([label, "—", "—", "—", "—", "—", "—"])
            else:
                rows.append(
                    [label, f"{sp.n:,}"]
                    + [f"{v:,.0f}" for v in (sp.p10, sp.p25, sp.p50, sp.p75, sp.p90)]
                )
        _table(doc, ["Score", "Districts", "10th", "25th", "Median", "75th", "90th"], rows)

    doc.add_heading("Trends", 1)
    if picture.trends:
        doc.add_paragraph(
            "Between consecutive rounds of the same district: how many districts made the "
            "step, the median change of their Onpoint score, and how many rose."
        )
        _table(
            doc,
            ["Step", "Districts", "Median change", "Rose"],
            [
                [
                    f"Round {t.step} to {t.step + 1}",
                    f"{t.districts:,}",
                    "—" if t.median_change is None else f"{t.median_change:+,.1f}",
                    f"{t.rising:,} ({100 * t.rising / t.districts:.0f}%)" if t.districts else "—",
                ]
                for t in picture.trends
            ],
        )
    else:
        doc.add_paragraph("No district has two rounds yet.")

    doc.add_heading("Benchmark packs built", 1)
    if picture.packs:
        stages = list(fw.stage_ids)
        _table(
            doc,
            ["Pack", "Date", "Model", *[fw.stage_label(s) for s in stages]],
            [
                [p.name, p.date, p.model_id, *[str(p.n_per_stage.get(s, "—")) for s in stages]]
                for p in picture.packs
            ],
        )
    else:
        doc.add_paragraph("HQ has not built a benchmark pack yet ('onpoint hq benchmark').")

    add_calibration_section(doc, hq, _table)  # pairs of consultants, calibration cases

    doc.add_heading("Appendix: every district placed", 1)
    placed = [(d, p) for d in picture.distributions for p in d.districts]
    if len(placed) > APPENDIX_LIMIT:
        doc.add_paragraph(
            f"{counted(len(placed), 'district')} are placed: too many to list here. Each "
            "one's percentile rank is in 'onpoint hq list HQ_DB --json' (percentile_rank of "
            "each round) and in the HQ window's dashboard."
        )
    else:
        _table(
            doc,
            ["District", "Stage", "Round", "Total", "Percentile rank"],
            [
                [
                    p.name,
                    fw.stage_label(d.stage),
                    p.round_id,
                    f"{p.total:,.1f}",
                    "—" if p.percentile_rank is None else f"{p.percentile_rank:.0f}",
                ]
                for d, p in placed
            ],
        )
    try:
        with atomic_path(out, private=True) as temporary:
            doc.save(str(temporary))
    except OSError as exc:
        raise WorkspaceError(f"{out} could not be written ({os_reason(exc)}).") from None
    return picture


def _inches(value: float):
    from docx.shared import Inches

    return Inches(value)


def _strip_chart(dist: StageDistribution, stage: str) -> bytes:
    """Every district of the stage as a dot on the score axis, the middle half shaded and
    the median marked (``hq_chart``)."""
    sp = dist.spreads.get("total")
    middle = (sp.p25, sp.p50, sp.p75) if sp is not None else None
    label = f"Onpoint score at {stage}: each dot a district; grey the middle half"
    return strip_chart([p.total for p in dist.districts], middle, label)


def _table(doc, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table with a bold header row, written as one WordprocessingML element."""
    from docx.oxml import parse_xml

    def cell(text: str, bold: bool) -> str:
        run = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return (
            f'<w:tc><w:p><w:r>{run}<w:t xml:space="preserve">{escape(str(text))}</w:t>'
            "</w:r></w:p></w:tc>"
        )

    def row(texts: Sequence[str], bold: bool = False) -> str:
        head = "<w:trPr><w:tblHeader/></w:trPr>" if bold else ""
        return f"<w:tr>{head}{''.join(cell(t, bold) for t in texts)}</w:tr>"

    # The first column names things (a component, a district): twice the room of the
    # number columns after it, so "Strategy Communication" is not broken mid-word.
    widths = [2.0, *([1.0] * (len(header) - 1))]
    grid = "".join(f'<w:gridCol w:w="{round(TEXT_TWIPS * w / sum(widths))}"/>' for w in widths)
    xml = (
        '<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{row(header, True)}"
        + "".join(row(r) for r in rows)
        + "</w:tbl>"
    )
    end = doc.element.body.sectPr  # the body's last element: content goes before it
    end.addprevious(parse_xml(xml))
    end.addprevious(
        parse_xml('<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    )
