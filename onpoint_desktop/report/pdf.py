"""The report as PDF, converted from the Word document by LibreOffice (headless).

python-docx writes Word files only; LibreOffice renders them faithfully and is free on
every platform, so it is the converter when it is installed. Without it, the message
names what to install. The conversion runs in a private, throw-away LibreOffice profile
(so it never disturbs, or waits for, an office window the consultant has open) and the
PDF reaches its destination whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from onpoint_desktop.atomic import atomic_path, os_reason
from onpoint_desktop.errors import Cancelled, ReportError

TIMEOUT_S = 300
NAMES = ("soffice", "libreoffice")
INSTALL_HINT = (
    "Writing a PDF needs LibreOffice, which was not found on this computer. Install "
    "LibreOffice (free, from https://www.libreoffice.org; on Debian or Ubuntu: sudo apt "
    "install libreoffice-writer), then try again, or write the report as .docx and save it "
    "as PDF from Word."
)


def _known_places() -> list[Path]:
    if sys.platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    if os.name == "nt":
        roots = [os.environ.get(v) for v in ("ProgramFiles", "ProgramFiles(x86)")]
        return [Path(r) / "LibreOffice" / "program" / "soffice.exe" for r in roots if r]
    return [Path("/usr/lib/libreoffice/program/soffice"), Path("/opt/libreoffice/program/soffice")]


def find_office() -> Path | None:
    """LibreOffice's ``soffice`` program, or None when it is not installed."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((p for p in _known_places() if p.is_file() and os.access(p, os.X_OK)), None)


def require_office() -> Path:
    """``soffice``, or a :class:`ReportError` naming what to install."""
    office = find_office()
    if office is None:
        raise ReportError(INSTALL_HINT)
    return office


def convert_to_pdf(
    docx_path: Path,
    out_path: Path,
    *,
    cancel: Callable[[], bool] | None = None,
    timeout: float = TIMEOUT_S,
) -> Path:
    """Convert ``docx_path`` to the PDF ``out_path`` (atomically)."""
    office = require_office()
    with tempfile.TemporaryDirectory(prefix="onpoint-pdf-") as tmp:
        folder = Path(tmp)
        profile = folder / "profile"
        command = [
            str(office),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx_path),
        ]
        _run(command, cancel, timeout, folder / "office.log")
        produced = folder / f"{docx_path.stem}.pdf"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise ReportError(
                f"LibreOffice ({office}) did not produce a PDF from the report; no PDF was "
                "written. Write the report as .docx and save it as PDF from Word or LibreOffice."
            )
        try:
            with atomic_path(out_path) as temp:
                shutil.copyfile(produced, temp)
        except OSError as exc:
            raise ReportError(
                f"Cannot write {out_path}: {os_reason(exc)}. No file was written."
            ) from None
    return out_path


def _run(command: list[str], cancel: Callable[[], bool] | None, timeout: float, log: Path) -> None:
    try:
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT
            )
    except OSError as exc:
        raise ReportError(
            f"LibreOffice ({command[0]}) could not be started: {os_reason(exc)}."
        ) from None
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                process.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel():
                    raise Cancelled("Report cancelled; no file was written.") from None
                if time.monotonic() > deadline:
                    raise ReportError(
                        f"LibreOffice took more than {timeout:.0f} s to convert the report to "
                        "PDF and was stopped; no PDF was written."
                    ) from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        detail = log.read_bytes().decode("utf-8", "replace").strip()[-300:]
        raise ReportError(
            f"LibreOffice could not convert the report to PDF (exit code "
            f"{process.returncode}{': ' + detail if detail else ''}); no PDF was written."
        )
