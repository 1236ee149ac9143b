"""Verify a bundle: what a sync bundle holds, who signed it, or why it is refused.

:func:`check_bundle` runs on a worker and asks the core (``sync.open_bundle``) to read
and verify the file — format, sizes, hashes, signature — decrypting it when an HQ store is
given. A refusal is a result here, not an error: the dialog shows its reason. On a
consultant's computer a bundle encrypted for HQ cannot be opened; the dialog says so and
names HQ's key.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
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
from onpoint_desktop.errors import BundleError
from onpoint_desktop.sync import HQStore, VerifiedBundle, envelope, keys, open_bundle
from onpoint_desktop.sync.format import BundleRefused


@dataclass(frozen=True)
class BundleCheck:
    """The outcome of verifying one bundle file."""

    path: Path
    bundle: VerifiedBundle | None = None  # when verified
    signer: str = ""  # what is known of the signer
    sealed_for: str | None = None  # HQ key fingerprint of an encrypted bundle
    refusal: BundleError | None = None  # why it was refused

    @property
    def reason(self) -> str:
        return getattr(self.refusal, "reason", "unreadable") if self.refusal else ""


def check_bundle(
    path: Path, hq_path: Path | None = None, progress=None, cancel=None
) -> BundleCheck:
    """Verify ``path`` (with the HQ store's key and trusted signers when given)."""
    path = Path(path)
    hq = HQStore.open(hq_path) if hq_path else None
    try:
        try:
            bundle = open_bundle(path, hq_private_key=hq.private_key() if hq else None)
        except BundleRefused as exc:
            if exc.reason == "hq-key-missing":
                header, _ = envelope.read_header(path.read_bytes(), str(path))
                return BundleCheck(path, sealed_for=header.recipient)
            return BundleCheck(path, refusal=exc)
        except BundleError as exc:
            return BundleCheck(path, refusal=exc)
        if hq is None:
            own = keys.existing_identity()
            mine = own is not None and own.public_key == bundle.public_key
            signer = (
                "this computer's own key"
                if mine
                else "signature valid; HQ decides whether it trusts this consultant"
            )
            return BundleCheck(path, bundle, signer, bundle.sealed_for)
        status = hq.signer_status(bundle.consultant_id, bundle.public_key)
        if status == "key-mismatch":
            refusal = BundleRefused(
                "signer-key-mismatch",
                f"{path.name} claims consultant id {bundle.consultant_id} but is signed with a "
                "different key than the one this HQ store trusts for it; a merge would refuse it.",
            )
            return BundleCheck(path, bundle, refusal=refusal, sealed_for=bundle.sealed_for)
        signer = {
            "known": "trusted by this HQ store",
            "new": "new to this HQ store: merge it with “Trust consultants not seen before”",
        }[status]
        return BundleCheck(path, bundle, signer, bundle.sealed_for)
    finally:
        if hq is not None:
            hq.close()


def rows(check: BundleCheck) -> list[tuple[str, str]]:
    """The facts the dialog lists, as (label, text) pairs."""
    out = [("File", str(check.path))]
    b = check.bundle
    if check.refusal is not None:
        out.append(("Result", f"Refused ({check.reason})"))
        out.append(("Why", str(check.refusal)))
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
        counts = b.content.counts()
        rounds = ", ".join(f"{r['label']} ({fw.stage_label(r['stage'])})" for r in b.content.rounds)
        out += [
            ("District", b.district_name),
            ("Consultant", b.consultant_name),
            (
                "Signer key",
                f"{b.signer_fingerprint} — {check.signer}"
                if check.signer
                else b.signer_fingerprint,
            ),
            ("Created", b.created_at[:16].replace("T", " ") + " UTC"),
            ("Rounds", rounds or "none"),
            (
                "Contents",
                f"{counts['rating_events']:,} rating events, "
                f"{counts['survey_responses']:,} survey responses",
            ),
        ]
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
