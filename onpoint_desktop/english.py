"""Small pieces of English shared by the CLI, the report and the GUI."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None, *, zero: str | None = None) -> str:
    """``counted(1, "round")`` → "1 round"; ``counted(3, "round")`` → "3 rounds".

    ``zero`` is the word for none in a sentence ("40 teachers and no leaders").

    >>> counted(1, "bundle"), counted(2, "bundle"), counted(1_200, "response")
    ('1 bundle', '2 bundles', '1,200 responses')
    >>> counted(2, "survey", "surveys"), counted(0, "district")
    ('2 surveys', '0 districts')
    >>> counted(0, "leader", zero="no"), counted(1, "leader", zero="no")
    ('no leaders', '1 leader')
    """
    word = noun if n == 1 else (plural or f"{noun}s")
    if n == 0 and zero is not None:
        return f"{zero} {word}"
    return f"{n:,} {word}"
