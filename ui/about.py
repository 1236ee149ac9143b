"""Help ▸ About: versions, the scoring model in use and the benchmark."""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from onpoint_desktop import APP_NAME, __version__
from ui.session import DistrictSession

LIBRARIES = ("sqlite-utils", "pandas", "matplotlib", "openpyxl", "python-docx", "rapidfuzz")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def about_html(session: DistrictSession) -> str:
    """The About text: versions, the parameters of the scoring model new rounds are scored
    with, and its benchmark."""
    model = session.current_model
    benchmark = session.model_benchmark(model)
    framework = session.framework
    esc = html.escape
    libraries = ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)
    weights = ", ".join(f"{role} {w:g}" for role, w in model.role_weights.items())
    components = "".join(
        f"<li>{esc(c.name)} (weight {c.weight:g}; {len(c.areas)} focus area"
        f"{'s' if len(c.areas) != 1 else ''})</li>"
        for c in model.components
    )
    stages = "".join(
        f"<li>{esc(framework.stage_label(stage))}: {sb.n_districts} districts, "
        f"total median {sb.total.p50:.0f} (p25 {sb.total.p25:.0f}, p75 {sb.total.p75:.0f})</li>"
        for stage, sb in benchmark.stages.items()
    )
    return (
        f"<h2>{APP_NAME} {esc(__version__)}</h2>"
        "<p>Assess a district's personalized-learning implementation offline: the bingo "
        "board, surveys, and the Onpoint score against a national benchmark.</p>"
        f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}"
        f"<br>{esc(libraries)}</p>"
        f"<h3>Scoring model: {esc(model.name)} ({esc(model.id)})</h3>"
        f"<p>Scores run from {model.score_min:.0f} to {model.score_max:,.0f}. A component "
        f"blends the expert ratings (weight {model.expert_weight:g}) with the surveys "
        f"(weight {1 - model.expert_weight:g}); survey roles are weighted {esc(weights)}. "
        f"A role counts for a component only with at least {model.min_n} respondents. "
        "A component with only one of the two parts is provisional.</p>"
        f"<ul>{components}</ul>"
        f"<h3>Benchmark: {esc(benchmark.label)}</h3>"
        f"<p>{esc(benchmark.date)} — {esc(benchmark.source)}</p><ul>{stages}</ul>"
        f"<p>Workspace: {esc(str(session.path))}</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, session: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setHtml(about_html(session))
        self.text.setOpenExternalLinks(False)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 520)
