"""The live score panel beside the board.

The total, large, with its band against the stage benchmark; its 90% interval and the
change since the previous round, called clear only when the change's own interval
excludes zero (``progress.Change.clear``); a line saying how much of
the round rests on evidence ("Rated 11 of 26 focus areas · 40 teachers, no leaders"); then
the seven components as bars on the 200–1,000 axis with the benchmark's p25–p75 band and
median behind each (drawn natively: :mod:`ui.component_bars`); their expert and survey
parts, respondent counts and provisional markers; strengths and focus areas with their
recommendations; and a trend across rounds (:mod:`ui.trend_chart`, drawn only while it is
visible).
The benchmark's name (and "illustrative" when it is) is always visible.

Every number comes from ``DistrictSession.score`` (the core's ``Workspace.score``). The
panel redraws only for changes that touch the round on screen (``Changes.scores_of``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.benchmark import TOTAL
from onpoint_desktop.changes import Changes
from onpoint_desktop.progress import change_of
from onpoint_desktop.scoring import RoundScore
from ui.action_plan import ActionPlanPanel
from ui.component_bars import ComponentBars, bar_rows
from ui.component_table import ComponentTable
from ui.planner_panel import PlannerPanel
from ui.round_status import (
    BAND_WORDS,
    DASH,
    compare_text,
    component_of,
    evidence_text,
    highlights_html,
    number,
    status_text,
    what_if_text,
)
from ui.school_view import SchoolView
from ui.session import DistrictSession, follow
from ui.trend_chart import TrendChart, TrendPoint


class ScorePanel(QWidget):
    def __init__(self, session: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session: DistrictSession | None = None
        self._trend_stale = True
        self._highlights = ""
        self._highlights_stale = True
        self._series_model = ""  # the model whose components the trend series lists
        self.current_score: RoundScore | None = None
        self.setMinimumWidth(430)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)

        top = QHBoxLayout()
        self.total_label = QLabel(DASH)
        self.total_label.setObjectName("total")
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 2.6)
        big.setBold(True)
        self.total_label.setFont(big)
        self.total_label.setAccessibleName("Onpoint score")
        self.band_label = QLabel()
        self.band_label.setObjectName("band")
        band_font = QFont(self.font())
        band_font.setPointSizeF(band_font.pointSizeF() * 1.25)
        band_font.setBold(True)
        self.band_label.setFont(band_font)
        # Fixed sizes: a new number then repaints the label alone, without laying out the
        # whole panel again (0.6 ms of every rating).
        self.total_label.setFixedSize(
            QFontMetrics(big).horizontalAdvance("1,000.0 ") + 4, QFontMetrics(big).height()
        )
        widest = max(BAND_WORDS.values(), key=QFontMetrics(band_font).horizontalAdvance)
        self.band_label.setMinimumWidth(QFontMetrics(band_font).horizontalAdvance(widest) + 4)
        top.addWidget(QLabel("Onpoint score"), 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.total_label, 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.band_label, 1, Qt.AlignmentFlag.AlignBottom)
        self.what_if_label = QLabel()  # a rating being considered: the total it would give
        self.what_if_label.setObjectName("whatIf")
        self.what_if_label.setFont(band_font)
        self.what_if_label.setAccessibleName("What-if score")
        layout.addLayout(top)
        layout.addWidget(self.what_if_label)
        self.compare_label = QLabel()  # the round compared with, when one is chosen
        self.compare_label.setObjectName("compared")
        self.compare_label.setWordWrap(True)
        layout.addWidget(self.compare_label)
        self.median_label = QLabel()
        self.interval_label = QLabel()  # the total's 90% interval, the change since before
        self.interval_label.setObjectName("interval")
        self.interval_label.setWordWrap(True)
        self.benchmark_label = QLabel()
        self.benchmark_label.setObjectName("benchmark")
        self.benchmark_label.setWordWrap(True)
        self.evidence_label = QLabel()
        self.evidence_label.setObjectName("evidence")
        self.evidence_label.setWordWrap(True)
        self.provisional_label = QLabel()
        self.provisional_label.setWordWrap(True)
        self.rates_label = QLabel()  # the core's response-rate sentence (SPEC §8)
        self.rates_label.setObjectName("responseRates")
        self.rates_label.setWordWrap(True)
        for label in (
            self.interval_label,
            self.median_label,
            self.benchmark_label,
            self.evidence_label,
            self.provisional_label,
            self.rates_label,
        ):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.components_page = QWidget()
        page = QVBoxLayout(self.components_page)
        page.setContentsMargins(0, 4, 0, 0)
        scoring = session.scoring_model()
        self.bars = ComponentBars(
            [c.name for c in scoring.components], (scoring.score_min, scoring.score_max)
        )
        page.addWidget(self.bars, 3)
        self.table = ComponentTable(len(scoring.components))
        page.addWidget(self.table, 2)
        self.tabs.addTab(self.components_page, "C&omponents")
        self.highlights = QTextBrowser()
        self.highlights.setOpenLinks(False)
        self.tabs.addTab(self.highlights, "Strengths && foc&us")
        self.action_plan = ActionPlanPanel(session)
        self.tabs.addTab(self.action_plan, "&Action plan")
        self.schools = SchoolView(session)
        self.tabs.addTab(self.schools, "&By school")
        self.trend_page = QWidget()
        trend = QVBoxLayout(self.trend_page)
        trend.setContentsMargins(0, 4, 0, 0)
        self.trend_series = QComboBox()
        self.trend_series.setAccessibleName("Trend series")
        self.trend_series.currentIndexChanged.connect(self._trend_changed)
        series_row = QHBoxLayout()
        series_label = QLabel("Ser&ies:")
        series_label.setBuddy(self.trend_series)
        series_row.addWidget(series_label)
        series_row.addWidget(self.trend_series, 1)
        trend.addLayout(series_row)
        # After a new benchmark pack: each round against the previous benchmark too.
        self.compare_benchmarks = QCheckBox("Also a&gainst the previous benchmark")
        self.compare_benchmarks.setToolTip(
            "Draw the previous benchmark's median (dashed) beside the new one's"
        )
        self.compare_benchmarks.toggled.connect(self._trend_changed)
        trend.addWidget(self.compare_benchmarks)
        self.trend_chart = TrendChart((scoring.score_min, scoring.score_max))
        trend.addWidget(self.trend_chart, 1)
        self.trend_changes = QLabel()  # each change between rounds: clear or not
        self.trend_changes.setObjectName("trendChanges")
        self.trend_changes.setWordWrap(True)
        self.trend_changes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        trend.addWidget(self.trend_changes)
        self.tabs.addTab(self.trend_page, "&Trend")
        self.planner = PlannerPanel(session)
        self.tabs.addTab(self.planner, "P&lan")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.set_session(session)

    # --- session ---------------------------------------------------------------------------

    def set_session(self, session: DistrictSession) -> None:
        if self.session is not None:
            self.action_plan.set_session(session)
            self.schools.set_session(session)
        follow(
            self.session,
            session,
            {
                "changed": self._changed,
                "roundShown": self.refresh,
                "compareShown": self.refresh,
                "previewChanged": self.show_preview,
            },
        )
        self.session = session
        self.planner.set_session(session)
        self._fill_series()
        self.refresh()

    def _changed(self, change: Changes) -> None:
        if change.rounds:
            self._fill_series()
        if change.any_score:
            self._trend_stale = True
        if change.scores_of(self.session.round_id):
            self.refresh()
        elif self._trend_stale and self._trend_visible():
            self._draw_trend()

    def _fill_series(self) -> None:
        current = self.trend_series.currentData()
        self.trend_series.blockSignals(True)
        self.trend_series.clear()
        self.trend_series.addItem("Onpoint score (total)", TOTAL)
        scoring = self.session.scoring_model()
        self._series_model = scoring.id
        for comp in scoring.components:
            self.trend_series.addItem(comp.name, comp.id)
        index = self.trend_series.findData(current)
        self.trend_series.setCurrentIndex(max(index, 0))
        self.trend_series.blockSignals(False)
        self._trend_stale = True

    # --- drawing ---------------------------------------------------------------------------

    def refresh(self, *_args) -> None:
        """Redraw from the core's score of the round on screen."""
        score = self.session.score()
        self.current_score = score
        self._trend_stale = True
        if score is None:
            self._show_empty()
            return
        session = self.session
        if score.model.id != self._series_model:  # a round scored with another model
            self._fill_series()
        benchmark = score.benchmark
        stage = session.framework.stage_label(score.stage)
        self.total_label.setText(number(score.total, 1))
        self.band_label.setText(BAND_WORDS.get(score.total_band or "", ""))
        self.interval_label.setText(self._interval_text(score))
        pct = benchmark.percentiles(score.stage, TOTAL)
        self.median_label.setText(
            f"{stage} benchmark: median {pct.p50:.0f}, middle half {pct.p25:.0f}–{pct.p75:.0f}"
            if pct
            else f"The benchmark has no figures for {stage}."
        )
        stage_bm = benchmark.stages.get(score.stage)
        districts = f" · {stage_bm.n_districts} districts at {stage}" if stage_bm else ""
        self.benchmark_label.setText(f"Benchmark: {benchmark.label}, {benchmark.date}{districts}")
        self.benchmark_label.setToolTip(benchmark.source)
        rated, areas = session.rated_count()
        counts = session.respondents()
        self.evidence_label.setText(evidence_text(rated, areas, counts))
        min_n = score.model.min_n
        self.provisional_label.setText(status_text(score, rated, areas, counts, min_n))
        rates = session.response_rates()
        self.rates_label.setText(rates.sentence() if rates else "")
        self.rates_label.setVisible(bool(self.rates_label.text()))
        self.table.fill(score)
        comparison = session.comparison()
        other = comparison.then if comparison is not None else None
        self.bars.show_rows(bar_rows(score, benchmark, other))
        self.what_if_label.setText("")
        self.compare_label.setText(compare_text(comparison, session.framework))
        self.compare_label.setVisible(comparison is not None)
        self._highlights_stale = True
        if self.tabs.currentWidget() is self.highlights:
            self._show_highlights()
        if self._trend_visible():
            self._draw_trend()

    def show_preview(self, preview) -> None:
        """A rating being considered (a ``Preview``, or None): ghost bars where the
        components would go and the total it would give, with its change."""
        score = self.current_score
        if score is None:
            return
        comparison = self.session.comparison() if preview is None else None
        other = comparison.then if comparison is not None else None
        ghost = dict(preview.outcome.components) if preview is not None else None
        self.bars.show_rows(bar_rows(score, score.benchmark, other, ghost))
        self.what_if_label.setText(what_if_text(preview, self.session.framework))

    def _interval_text(self, score: RoundScore) -> str:
        """The total's 90% interval, and the change since the round before (clear or not)."""
        parts = []
        if score.total_ci is not None and score.total_se:
            low, high = score.total_ci
            parts.append(f"90% interval {low:.0f}–{high:.0f} (survey respondents)")
        rounds = [r.id for r in self.session.rounds()]
        at = rounds.index(score.round) if score.round in rounds else 0
        if at > 0:
            before = self.session.get_round(rounds[at - 1])
            change = change_of(self.session.score(before.id), score, TOTAL)
            if change is not None:
                parts.append(f"since {before.label}: {change.delta:+.1f}, {change.verdict}")
        return " · ".join(parts)

    def _show_empty(self) -> None:
        self.compare_label.setVisible(False)
        self.what_if_label.setText("")
        self.total_label.setText(DASH)
        self.interval_label.setText("")
        self.band_label.setText("")
        self.median_label.setText("Add a round to start rating (Round ▸ Add round…).")
        self.benchmark_label.setText(f"Benchmark: {self.session.benchmark().label}")
        self.evidence_label.setText("")
        self.provisional_label.setText("")
        self.rates_label.setText("")
        self.rates_label.setVisible(False)
        self.table.blank()
        self._highlights_stale = True
        if self.tabs.currentWidget() is self.highlights:
            self._show_highlights()

    def _show_highlights(self) -> None:
        """Fill the strengths and focus tab (only while it is on screen: laying out its
        text is the dearest part of the panel)."""
        score = self.current_score
        if score is None:
            text = "<p>No round yet: nothing to compare with the benchmark.</p>"
        else:
            text = highlights_html(score, self.session.framework.stage_label(score.stage))
        if text != self._highlights:
            self._highlights = text
            self.highlights.setHtml(text)
        self._highlights_stale = False

    # --- trend -----------------------------------------------------------------------------

    def _trend_visible(self) -> bool:
        return self.tabs.currentWidget() is self.trend_page

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.highlights and self._highlights_stale:
            self._show_highlights()
        if self._trend_visible() and self._trend_stale:
            self._draw_trend()

    def _trend_changed(self, _index: int) -> None:
        self._trend_stale = True
        if self._trend_visible():
            self._draw_trend()

    def _draw_trend(self) -> None:
        series = self.trend_series.currentData() or TOTAL
        framework = self.session.framework
        points, changes = [], []
        previous = None
        current = self.session.benchmark()
        earlier = self.session.previous_benchmark()
        self.compare_benchmarks.setEnabled(earlier is not None)
        if earlier is None:
            self.compare_benchmarks.setToolTip("Only one benchmark has been used so far")
        compared = earlier if earlier is not None and self.compare_benchmarks.isChecked() else None
        for rnd in self.session.rounds():
            # Each round against its own model's benchmark; a component its model lacks
            # has no value there.
            score = self.session.score(rnd.id)
            part = score if series == TOTAL else component_of(score, series)
            label = f"{rnd.label}\n{framework.stage_label(rnd.stage)}"
            ci = None
            if part is not None:
                ci = part.total_ci if series == TOTAL else part.ci
                ci = ci if (part.total_se if series == TOTAL else part.se) else None
            points.append(
                TrendPoint(
                    label,
                    score.value(series),
                    score.benchmark.percentiles(rnd.stage, series),
                    part is not None and part.provisional,
                    ci,
                    compared.percentiles(rnd.stage, series)
                    if compared is not None and score.model.id == compared.model_id
                    else None,
                )
            )
            change = change_of(previous[1], score, series) if previous else None
            if change is not None:
                changes.append(
                    f"{previous[0]} → {rnd.label}: {change.delta:+.1f}, {change.verdict}"
                )
            previous = (rnd.label, score)
        names = None
        if compared is not None:
            names = (f"{current.label}, {current.date}", f"{compared.label}, {compared.date}")
        self.trend_chart.show_points(points, self.trend_series.currentText(), names)
        text = "; ".join(changes)
        if changes:
            text = f"Changes (clear only when the 90% interval excludes zero): {text}."
        self.trend_changes.setText(text)
        self._trend_stale = False
