"""Text normalisation shared by header matching and answer reading.

Survey tools and spreadsheet programs change text in small ways: curly quotes, long
dashes, non-breaking spaces, HTML tags left in question text, "(R)" markers for reverse
items, trailing punctuation or spaces, a question number in front. ``normalise`` removes
those differences; ``match_key`` goes further (letters and digits only) for comparing
question texts.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_TAGS = re.compile(r"<[^>]{0,200}>")
_REVERSE_MARK = re.compile(r"(?:^|\s)[\(\[]\s*r\s*[\)\]](?=\s|$|[.?!:;,])", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.?!:;,*]+$")
_NUMBERING = re.compile(r"^(?:q(?:uestion)?\s*)?\d{1,3}[a-z]?\s*[.):]\s+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_ITEM_ID = re.compile(r"^([a-z]{1,4})[\s_-]?0*(\d{1,3})$")

# Where a matrix or grid header puts its statement after the question stem.
_SEPARATORS = (" - ", " -- ", ": ", "? ", ". ", "\n", " | ")


def normalise(text: object) -> str:
    """Lower-case text with quotes, dashes, spaces, tags, "(R)" and trailing dots evened out.

    >>> normalise("  (R) Trying something new\u2026 feels \u201crisky\u201d.  ")
    'trying something new... feels "risky"'
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    s = _TAGS.sub(" ", s)
    s = _REVERSE_MARK.sub(" ", s)
    s = _SPACES.sub(" ", s).strip().casefold()
    return _TRAILING.sub("", s)


def match_key(text: object) -> str:
    """Letters and digits only, single-spaced: the form question texts are compared in.

    >>> match_key("Q5. I can adjust content to each student\u2019s path & pace!")
    'i can adjust content to each student s path pace'
    """
    s = _NUMBERING.sub("", normalise(text))
    return _NON_WORD.sub(" ", s).strip()


def item_id_key(text: object) -> str | None:
    """``T01``, ``t1``, ``T-01``, ``T07 (R)`` → ``t1`` / ``t7``: an item id's comparable form.

    >>> item_id_key("T07 (R)"), item_id_key("Q2_1")
    ('t7', None)
    """
    m = _ITEM_ID.match(normalise(text))
    return f"{m.group(1)}{int(m.group(2))}" if m else None


def statement_candidates(*texts: str) -> list[str]:
    """The texts a column header might hold its question in, longest first.

    A matrix or grid column names its statement after the stem ("Stem - Statement",
    "Stem [Statement]", "Stem: Statement"), so every part after a separator and every
    bracketed tail is a candidate, as well as the whole header.

    >>> statement_candidates("How much? [I agree, mostly [sic]]")[:2]
    ['How much? [I agree, mostly [sic]]', 'I agree, mostly [sic]']
    """
    found: list[str] = []

    def add(text: str) -> None:
        text = text.strip()
        if text and text not in found:
            found.append(text)

    for text in texts:
        if not text:
            continue
        text = str(text).translate(_QUOTES)
        add(text)
        stripped = text.rstrip()
        if stripped.endswith("]"):
            for pos in [m.start() for m in re.finditer(r"\[", stripped)]:
                add(stripped[pos + 1 : -1])
        for sep in _SEPARATORS:
            start = 0
            while (pos := text.find(sep, start)) >= 0:
                add(text[pos + len(sep) :])
                add(text[:pos])
                start = pos + len(sep)
    return found
