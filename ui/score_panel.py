"""The live score panel beside the board.

The total, large, with its band against the stage benchmark; then the seven components
as bars on the 200–1,000 axis with the benchmark's p25–p75 band and median behind each;
their expert and survey parts, respondent counts and provisional markers; strengths and
focus areas with their recommendations; and a trend across rounds. The benchmark's name
(and "illustrative" when it is) is always visible.

Every number comes from ``DistrictSession.score`` (the core's ``Workspace.score``). The
charts (matplotlib) are created by :meth:`ScorePanel.build_charts`, which the main window
calls just after it is first shown, so start-up never waits for matplotlib.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.benchmark import TOTAL
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.scoring import ComponentScore, RoundScore, recommendations_for
from ui.session import DistrictSession

BAND_WORDS = {"below": "Below benchmark", "within": "Within benchmark", "above": "Above benchmark"}
STATUS_WORDS = {
    "complete": "",
    "expert-only": "expert only",
    "survey-only": "survey only",
    "unavailable": "no data",
}
COLUMNS = ("Component", "Score", "Expert", "Survey", "Teachers", "Leaders", "Status")
DASH = "—"


def _number(value: float | None, digits: int = 0) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def _respondents(comp: ComponentScore, role: str, min_n: int) -> str:
    n = comp.role_n.get(role, 0)
    return f"{n} (<{min_n})" if 0 < n < min_n else str(n)


def _chart_names(model: ScoringModel) -> list[str]:
    return [c.name for c in model.components]


class ScorePanel(QWidget):
    chartsReady = Signal()

    def __init__(self, model: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.model: DistrictSession | None = None
        self.component_chart = None
        self.trend_chart = None
        self._trend_stale = True
        self.current_score: RoundScore | None = None
        self._series_model = ""  # the model whose components the trend series lists
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
        top.addWidget(QLabel("Onpoint score"), 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.total_label, 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.band_label, 1, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(top)
        self.median_label = QLabel()
        self.benchmark_label = QLabel()
        self.benchmark_label.setObjectName("benchmark")
        self.benchmark_label.setWordWrap(True)
        self.provisional_label = QLabel()
        self.provisional_label.setWordWrap(True)
        self.rates_label = QLabel()  # the core's response-rate sentence (SPEC §8)
        self.rates_label.setWordWrap(True)
        labels = (self.median_label, self.benchmark_label, self.provisional_label, self.rates_label)
        for label in labels:
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.components_page = QWidget()
        page = QVBoxLayout(self.components_page)
        page.setContentsMargins(0, 4, 0, 0)
        self.chart_slot = QVBoxLayout()
        self.chart_placeholder = QLabel("Drawing the chart…")
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_placeholder.setMinimumHeight(150)
        self.chart_slot.addWidget(self.chart_placeholder)
        page.addLayout(self.chart_slot, 3)
        self.table = self._component_table()
        page.addWidget(self.table, 2)
        self.tabs.addTab(self.components_page, "&Components")
        self.highlights = QTextBrowser()
        self.highlights.setOpenLinks(False)
        self.tabs.addTab(self.highlights, "&Strengths && focus")
        self.trend_page = QWidget()
        trend = QVBoxLayout(self.trend_page)
        trend.setContentsMargins(0, 4, 0, 0)
        self.trend_series = QComboBox()
        self.trend_series.setAccessibleName("Trend series")
        self.trend_series.currentIndexChanged.connect(self._trend_changed)
        series_row = QHBoxLayout()
        series_label = QLabel("S&how:")
        series_label.setBuddy(self.trend_series)
        series_row.addWidget(series_label)
        series_row.addWidget(self.trend_series, 1)
        trend.addLayout(series_row)
        self.trend_slot = QVBoxLayout()
        trend.addLayout(self.trend_slot, 1)
        self.tabs.addTab(self.trend_page, "&Trend")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.set_model(model)

    def _component_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        tips = {
            1: "Component score, 200–1,000",
            2: "Expert sub-score (ratings), on the 200–1,000 scale",
            3: "Survey sub-score (teachers and leaders), on the 200–1,000 scale",
            4: "Teachers who answered this component's items",
            5: "Leaders who answered this component's items",
        }
        for col, tip in tips.items():
            table.horizontalHeaderItem(col).setToolTip(tip)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        table.setAccessibleName("Component details")
        return table

    # --- model -----------------------------------------------------------------------------

    def set_model(self, model: DistrictSession) -> None:
        if self.model is not None:
            for signal in self._signals(self.model):
                signal.disconnect(self.refresh)
            self.model.roundsChanged.disconnect(self._fill_series)
        self.model = model
        for signal in self._signals(model):
            signal.connect(self.refresh)
        model.roundsChanged.connect(self._fill_series)
        self._fill_series()
        self.refresh()

    @staticmethod
    def _signals(model: DistrictSession):
        return (
            model.ratingChanged,
            model.roundChanged,
            model.surveysChanged,
            model.benchmarkChanged,
        )

    def _fill_series(self) -> None:
        current = self.trend_series.currentData()
        self.trend_series.blockSignals(True)
        self.trend_series.clear()
        self.trend_series.addItem("Onpoint score (total)", TOTAL)
        scoring = self.model.scoring_model()
        self._series_model = scoring.id
        for comp in scoring.components:
            self.trend_series.addItem(comp.name, comp.id)
        index = self.trend_series.findData(current)
        self.trend_series.setCurrentIndex(max(index, 0))
        self.trend_series.blockSignals(False)
        self._trend_stale = True

    def build_charts(self) -> None:
        """Create the matplotlib charts (imports matplotlib); called after first show."""
        if self.component_chart is not None or self.model is None or self.model.closed:
            return  # built already, or the window closed before its charts were due
        from ui.charts import ChartInk, ComponentChart, TrendChart

        ink = ChartInk.of(self.palette())
        scoring = self.model.scoring_model()
        score_range = (scoring.score_min, scoring.score_max)
        self.component_chart = ComponentChart(_chart_names(scoring), score_range, ink)
        self.chart_slot.removeWidget(self.chart_placeholder)
        self.chart_placeholder.deleteLater()
        self.chart_slot.addWidget(self.component_chart.canvas)
        self.trend_chart = TrendChart(score_range, ink)
        self.trend_slot.addWidget(self.trend_chart.canvas)
        self._trend_stale = True
        self.refresh()
        self.chartsReady.emit()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.component_chart is not None:
            from ui.charts import ChartInk

            ink = ChartInk.of(self.palette())
            self.component_chart.set_ink(ink)
            self.trend_chart.set_ink(ink)
            self._trend_stale = True
            self.refresh()
        super().changeEvent(event)

    # --- drawing ---------------------------------------------------------------------------

    def refresh(self, *_args) -> None:
        """Redraw from the core's score of the round on screen."""
        score = self.model.score()
        self.current_score = score
        self._trend_stale = True
        if score is None:
            self._show_empty()
            return
        if score.model.id != self._series_model:  # a round scored with another model
            self._fill_series()
        benchmark = score.benchmark
        framework = self.model.workspace.framework
        stage = framework.stage_label(score.stage)
        self.total_label.setText(_number(score.total, 1))
        self.band_label.setText(BAND_WORDS.get(score.total_band or "", ""))
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
        self.provisional_label.setText(self._provisional_text(score))
        rates = self.model.response_rates()
        self.rates_label.setText(rates.sentence() if rates else "")
        self.rates_label.setVisible(bool(self.rates_label.text()))
        self._fill_table(score)
        self.highlights.setHtml(self._highlights_html(score))
        if self.component_chart is not None:
            self._fit_chart_to(score.model)
            self.component_chart.update(score, benchmark, score.model.min_n)
        if self.tabs.currentWidget() is self.trend_page:
            self._draw_trend()

    def _show_empty(self) -> None:
        self.total_label.setText(DASH)
        self.band_label.setText("")
        self.median_label.setText("Add a round to start rating.")
        self.benchmark_label.setText(f"Benchmark: {self.model.benchmark().label}")
        self.provisional_label.setText("")
        self.table.setRowCount(0)
        self.highlights.setHtml("")

    def _provisional_text(self, score: RoundScore) -> str:
        if score.total is None:
            return "No score yet: rate a focus area or import a survey."
        if score.complete:
            return "Complete: every component has expert ratings and survey responses."
        min_n = score.model.min_n
        groups: dict[str, list[str]] = {}
        for comp in score.components:
            if comp.status != "complete":
                groups.setdefault(STATUS_WORDS[comp.status], []).append(comp.name)
        every = len(score.components)
        parts = [
            f"{word}: {'every component' if len(names) == every else ', '.join(names)}"
            for word, names in groups.items()
        ]
        low = [c.name for c in score.components if c.held_back_roles]
        if low:
            parts.append(f"fewer than {min_n} respondents of a role (not used): {', '.join(low)}")
        return "Provisional (*) — " + "; ".join(parts) + "."

    def _fill_table(self, score: RoundScore) -> None:
        scoring = score.model
        self.table.setRowCount(len(score.components))
        for row, comp in enumerate(score.components):
            cells = [
                comp.name,
                _number(comp.score),
                _number(scoring.to_score(comp.expert) if comp.expert is not None else None),
                _number(scoring.to_score(comp.survey) if comp.survey is not None else None),
                _respondents(comp, "teacher", scoring.min_n),
                _respondents(comp, "leader", scoring.min_n),
                self._status(comp),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if col == 0 and comp.band:
                    item.setToolTip(f"{BAND_WORDS[comp.band]} (median {comp.median:.0f})")
                self.table.setItem(row, col, item)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)

    def _status(self, comp: ComponentScore) -> str:
        words = [STATUS_WORDS[comp.status]] if comp.status != "complete" else []
        if comp.held_back_roles:
            words.append("few respondents")
        return ", ".join(words)

    def _fit_chart_to(self, model: ScoringModel) -> None:
        """A round scored with another model (other components): draw its own bars."""
        if self.component_chart.names == _chart_names(model):
            return
        from ui.charts import ChartInk, ComponentChart

        old = self.component_chart
        self.component_chart = ComponentChart(
            _chart_names(model), (model.score_min, model.score_max), ChartInk.of(self.palette())
        )
        self.chart_slot.replaceWidget(old.canvas, self.component_chart.canvas)
        old.canvas.deleteLater()

    def _highlights_html(self, score: RoundScore) -> str:
        found = recommendations_for(score)
        stage = self.model.workspace.framework.stage_label(score.stage)
        sections = []
        for kind, title, empty in (
            ("strengths", "Strengths", "No component is above its stage median yet."),
            ("focus_areas", "Focus areas", "No component is below its stage median."),
        ):
            items = [f"<h3>{title}</h3>"]
            for cid, rec in found[kind]:
                comp = score.component(cid)
                delta = f"{comp.delta:+.0f} vs the {stage} median" if comp.delta is not None else ""
                items.append(
                    f"<p><b>{html.escape(comp.name)}</b> — {_number(comp.score)} ({delta})<br>"
                    f"<i>{html.escape(rec.title)}</i><br>{html.escape(rec.text)}</p>"
                )
            if not found[kind]:
                items.append(f"<p>{empty}</p>")
            sections.append("".join(items))
        return "".join(sections)

    # --- trend -----------------------------------------------------------------------------

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.trend_page and self._trend_stale:
            self._draw_trend()

    def _trend_changed(self, _index: int) -> None:
        self._trend_stale = True
        if self.tabs.currentWidget() is self.trend_page:
            self._draw_trend()

    def _draw_trend(self) -> None:
        if self.trend_chart is None:
            return
        from ui.charts import TrendPoint

        series = self.trend_series.currentData() or TOTAL
        framework = self.model.workspace.framework
        points = []
        for rnd in self.model.rounds():
            score = self.model.score(rnd.id)
            label = f"{rnd.label}\n{framework.stage_label(rnd.stage)}"
            pct = score.benchmark.percentiles(rnd.stage, series)
            points.append(TrendPoint(label, score.value(series), pct))
        self.trend_chart.update(points, self.trend_series.currentText())
        self._trend_stale = False
