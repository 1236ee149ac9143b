"""Verify a bundle: what a sync bundle holds, who signed it, or why HQ would not take it.

:func:`check_file` runs on a worker and asks the core (``sync.check_bundle``, the same
check the merge makes) about the file — format, sizes, hashes, signature, records, and,
with an HQ store, HQ's decision on its signer. A refusal is a result here, not an error:
the dialog shows its reason. On a consultant's computer a bundle encrypted for HQ cannot be
opened; the dialog says so and names HQ's key.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop import framework
from onpoint_desktop.english import counted
from onpoint_desktop.sync import BundleCheck, HQStore, check_bundle
from onpoint_desktop.sync.format import plan_counts_text

SIGNER_WORDS = {
    "own": "this computer's own key",
    "unchecked": "signature valid; HQ decides whether it trusts this key",
    "trusted": "trusted by this HQ store",
    "new": "new to this HQ store: a merge keeps its bundles aside until you trust the key "
    "(Signers tab)",
    "pending": "not trusted yet: its bundles wait in the Signers tab until you trust the key",
    "revoked": "revoked by this HQ store",
}


def check_file(path: Path, hq_path: Path | None = None, progress=None, cancel=None) -> BundleCheck:
    """Check ``path`` (against the HQ store at ``hq_path`` when given), on a worker."""
    if hq_path is None:
        return check_bundle(Path(path))
    with HQStore.open(hq_path) as hq:
        return check_bundle(Path(path), hq)


def rows(check: BundleCheck) -> list[tuple[str, str]]:
    """The facts the dialog lists, as (label, text) pairs."""
    out = [("File", str(check.path))]
    b = check.bundle
    if check.refusal is not None:
        out.append(("Result", f"Refused ({check.reason})"))
        out.append(("Why", str(check.refusal)))
    elif check.verdict == "already-merged":
        out.append(
            ("Result", "Already merged into this HQ store; merging it again changes nothing")
        )
    elif b is None:
        out.append(("Result", "Encrypted for HQ"))
        out.append(
            (
                "Contents",
                "Only the HQ store holding this key can decrypt it and check its contents "
                "and signature; open that store (HQ ▸ Open HQ store…) to verify it there.",
            )
        )
    else:
        out.append(("Result", "Valid: format, sizes, hashes and signature checked"))
    if b is not None:
        fw = framework.framework()
        counts = b.counts
        rounds = ", ".join(f"{r['label']} ({fw.stage_label(r['stage'])})" for r in b.rounds)
        out += [
            ("District", b.district_name),
            ("Consultant", b.consultant_name),
            ("Signer key", f"{b.signer_fingerprint} — {SIGNER_WORDS[check.signer]}"),
            ("Created", b.created_at[:16].replace("T", " ") + " UTC"),
            ("Rounds", rounds or "none"),
            (
                "Contents",
                f"{counted(counts['rating_events'], 'rating event')}, "
                f"{counted(counts['survey_responses'], 'survey response')}"
                f"{plan_counts_text(counts)}",
            ),
        ]
        look_alikes = [
            f"same {kind} as trusted signer {', '.join(others)}"
            for kind, others in (
                ("name", check.same_name_as),
                ("consultant id", check.same_consultant_id_as),
            )
            if others
        ]
        if look_alikes:
            out.append(
                ("Check", "; ".join(look_alikes) + ". Compare fingerprints before trusting.")
            )
    if check.sealed_for:
        out.append(("Encrypted", f"yes, for HQ key {check.sealed_for}"))
    elif b is not None:
        out.append(("Encrypted", "no (signed only)"))
    return out


class BundleCheckDialog(QDialog):
    """The result of verifying a bundle, as a short form."""

    def __init__(self, check: BundleCheck, parent: QWidget | None = None):
        super().__init__(parent)
        self.check = check
        self.setObjectName("bundleCheck")
        refused = check.refusal is not None
        self.setWindowTitle("Bundle refused" if refused else "Bundle verified")
        layout = QVBoxLayout(self)
        headline = QLabel()
        headline.setObjectName("headline")
        headline.setWordWrap(True)
        if refused:
            text = f"{check.path.name} would be refused."
        elif check.verdict == "already-merged":
            text = f"{check.path.name} was merged before."
        elif check.bundle is None:
            text = f"{check.path.name} is encrypted for HQ."
        else:
            text = f"{check.path.name} is a valid bundle."
        headline.setText(f"<b>{html.escape(text)}</b>")
        layout.addWidget(headline)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        for label, text in rows(check):
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if label == "Result":
                font = value.font()
                font.setBold(True)
                value.setFont(font)
            form.addRow(f"{label}:", value)
            self.fields[label] = value
        layout.addLayout(form)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def text(self) -> str:
        """Everything the dialog says, as plain text (for tests and the clipboard)."""
        return "\n".join(f"{k}: {v.text()}" for k, v in self.fields.items())
