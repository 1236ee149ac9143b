"""The memory a survey file may cost: at most 4× its size + 300 MB (SPEC §8).

Every reader and the read stage charge what they keep (distinct texts, per-row codes,
response keys) to the file's ``MemoryBudget``; readers of compressed or declared-size
formats (workbooks, SPSS files) also check their declared sizes before loading anything.
A file that would need more is refused with a sentence saying so, before the memory is
taken, never after.
"""

from __future__ import annotations

from pathlib import Path

from onpoint_desktop.errors import SurveyImportError

BASE_ALLOWANCE = 300 * 1024 * 1024  # bytes, on top of the per-size allowance
SIZE_FACTOR = 4
TEXT_OVERHEAD = 56  # bytes a short Python str costs beyond its characters


class MemoryBudget:
    """What reading one file may still take (bytes)."""

    def __init__(self, path: Path, file_size: int | None = None) -> None:
        self.path = Path(path)
        size = self.path.stat().st_size if file_size is None else file_size
        self.limit = SIZE_FACTOR * size + BASE_ALLOWANCE
        self.used = 0

    @property
    def left(self) -> int:
        return self.limit - self.used

    def charge(self, nbytes: int, what: str) -> None:
        """Take ``nbytes`` for ``what`` (e.g. "its distinct answers"), or refuse the file."""
        if self.used + nbytes > self.limit:
            raise self.refusal(self.used + nbytes, what)
        self.used += nbytes

    def check(self, nbytes: int, what: str) -> None:
        """Refuse now if ``what`` would need more than is left (nothing is charged)."""
        if self.used + nbytes > self.limit:
            raise self.refusal(self.used + nbytes, what)

    def refusal(self, needed: int, what: str) -> SurveyImportError:
        return SurveyImportError(
            f"{self.path.name} is too large to import safely: {what} would need about "
            f"{_megabytes(needed)} of memory, more than the {_megabytes(self.limit)} allowed "
            f"for a file of {_megabytes(self.limit - BASE_ALLOWANCE, SIZE_FACTOR)}. Export "
            "the responses again (as CSV, only the survey's questions), or split the file."
        )


def text_cost(text: str) -> int:
    """What keeping one text costs (roughly: its characters plus the object)."""
    return len(text) + TEXT_OVERHEAD


def _megabytes(nbytes: int, divide: int = 1) -> str:
    mb = nbytes / divide / (1024 * 1024)
    return f"{mb:,.0f} MB" if mb >= 10 else f"{mb:,.1f} MB"
