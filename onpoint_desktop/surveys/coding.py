"""Code the rows: the responses to store, and what was skipped and why.

Each row is skipped for the first reason that applies: the tool marks it (``preview``,
``test``, ``spam``); it answers no mapped item (every item cell blank or a missing code:
``answered_nothing``, never a respondent anywhere); its response id was seen earlier in
the file (``duplicate``). Every other row is a response, with its stable key (the export's
response id, else a hash of the whole row plus its occurrence count), its answers coded
through the answer mapping (vectorised: a lookup per column), its school, its comments if
they are kept, and whether it is partial (Qualtrics ``Finished`` false or ``Progress``
under 100): partial responses are imported, and counted.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys.answer_mapping import UNKNOWN_CODE, AnswerMapping
from onpoint_desktop.surveys.columns import COMMENT, ColumnMapping
from onpoint_desktop.surveys.header import FINISHED, Layout
from onpoint_desktop.surveys.table import SurveyTable
from onpoint_desktop.surveys.text import normalise
from onpoint_desktop.workspace.response_table import ResponseTable

ANSWERED_NOTHING, DUPLICATE = "answered_nothing", "duplicate"
MAX_LISTED = 10  # unknown answers listed in a message or preview
SHOWN_CHARS = 60  # of an unknown answer, in a message or preview
_NOT_FINISHED = {"false", "0", "no", "f"}


@dataclass(frozen=True)
class UnknownAnswer:
    """An answer that is neither a scale point nor missing, where the file has it."""

    row: int  # spreadsheet row number
    column: str  # the column's label (letter and header)
    value: str


@dataclass
class CodedSurvey:
    """The rows of a file, coded: the responses to store and the counts of the rest."""

    responses: ResponseTable  # in file order
    partial: np.ndarray  # bool per response
    rows_read: int
    skipped: Counter = field(default_factory=Counter)  # reason → rows
    unknown: list[UnknownAnswer] = field(default_factory=list)  # the first MAX_LISTED
    unknown_count: int = 0
    unknown_by_item: Counter = field(default_factory=Counter)
    recodes: Counter = field(default_factory=Counter)  # missing code → answers
    comments: int = 0


def code_rows(
    table: SurveyTable,
    layout: Layout,
    mapping: ColumnMapping,
    answers: AnswerMapping,
    instrument: Instrument,
    *,
    unknown_as_missing: bool = False,
    keep_comments: bool = False,
) -> CodedSurvey:
    """Decide every row of the table: a response (coded) or skipped (with its reason)."""
    order = {item: i for i, item in enumerate(instrument.item_ids)}
    items = sorted(answers.columns, key=lambda c: order.get(c.use.item, len(order)))
    n = len(table)
    values = np.zeros((n, len(items)), dtype=np.int8)
    for j, col in enumerate(items):
        values[:, j] = col.lookup[table.columns[col.use.column.index].codes]
    unknown = values == UNKNOWN_CODE
    for j, col in enumerate(items):
        if col.refused:  # another scale: refused as such, its answers are not "unknown"
            unknown[:, j] = False
    if unknown_as_missing:
        values[unknown] = 0
    reasons = table.marked.copy()
    reasons[(reasons == "") & ~(values != 0).any(axis=1)] = ANSWERED_NOTHING
    keys = _keys(table, layout)
    candidates = np.flatnonzero(reasons == "")
    repeated = pd.Series(keys[candidates]).duplicated().to_numpy() & np.array(
        [not k.startswith("row:") for k in keys[candidates]], dtype=bool
    )
    reasons[candidates[repeated]] = DUPLICATE
    keep = np.flatnonzero(reasons == "")
    coded = CodedSurvey(
        ResponseTable(
            tuple(c.use.item or "" for c in items),
            keys[keep].tolist(),
            np.where(values[keep] == UNKNOWN_CODE, 0, values[keep]),
            _schools(table, mapping, keep),
            _comments(table, mapping, keep) if keep_comments else None,
        ),
        _partial(table, layout, keep),
        n,
        Counter(r for r in reasons.tolist() if r),
    )
    _tally_unknown(coded, table, items, unknown, keep)
    _tally_recodes(coded, table, items, keep)
    if coded.responses.comments is not None:
        coded.comments = sum(1 for c in coded.responses.comments if c)
    return coded


def _keys(table: SurveyTable, layout: Layout) -> np.ndarray:
    """Stable response keys: the export's id, else a hash of the row + its occurrence."""
    n = len(table)
    fmt = layout.format
    keys = np.full(n, "", dtype=object)
    if layout.key_columns:
        parts = [table.columns[k].cells() for k in layout.key_columns]
        if len(parts) == 1:
            ids = np.array([s.strip() for s in parts[0].tolist()], dtype=object)
            has = ids != ""
            keys[has] = [f"{fmt}:{i}" for i in ids[has].tolist()]
        else:
            joined = parts[0]
            for p in parts[1:]:
                joined = joined + "\x1f" + p
            has = np.array([bool(s.replace("\x1f", "").strip()) for s in joined.tolist()])
            keys[has] = [f"{fmt}:{_digest(s)}" for s in joined[has].tolist()]
    hashed = np.flatnonzero(table.digests != None)  # noqa: E711 (elementwise)
    if len(hashed):
        digests = pd.Series(table.digests[hashed])
        occurrence = digests.groupby(digests).cumcount().to_numpy() + 1
        keys[hashed] = [
            f"row:{d}:{k}" for d, k in zip(digests.tolist(), occurrence.tolist(), strict=True)
        ]
    return keys


def _schools(table: SurveyTable, mapping: ColumnMapping, keep: np.ndarray) -> list[str | None]:
    school = mapping.school_column
    if school is None:
        return [None] * len(keep)
    column = table.columns[school.column.index]
    names = np.array([" ".join(t.split()) or None for t in column.texts], dtype=object)
    return names[column.codes[keep]].tolist()


def _comments(table: SurveyTable, mapping: ColumnMapping, keep: np.ndarray) -> list[str | None]:
    columns = [table.columns[u.column.index].cells(keep) for u in mapping.with_use(COMMENT)]
    return [
        "\n".join(t.strip() for t in texts if t.strip()) or None
        for texts in zip(*columns, strict=False)
    ] or [None] * len(keep)


def _partial(table: SurveyTable, layout: Layout, keep: np.ndarray) -> np.ndarray:
    partial = np.zeros(len(keep), dtype=bool)
    for index, kind in layout.partial_columns.items():
        column = table.columns[index]
        if kind == FINISHED:
            flags = [normalise(t) in _NOT_FINISHED for t in column.texts]
        else:
            flags = [_below_100(t) for t in column.texts]
        partial |= np.array(flags, dtype=bool)[column.codes[keep]]
    return partial


def _below_100(text: str) -> bool:
    try:
        return float(text.strip().rstrip("%")) < 100
    except ValueError:
        return False


def _tally_unknown(coded, table, items, unknown: np.ndarray, keep: np.ndarray) -> None:
    if not unknown.any():
        return
    kept = np.zeros(len(table), dtype=bool)
    kept[keep] = True
    unknown &= kept[:, None]
    rows, cols = np.nonzero(unknown)
    coded.unknown_count = len(rows)
    for j in np.unique(cols).tolist():
        coded.unknown_by_item[items[j].use.item] += int((cols == j).sum())
    for r, j in list(zip(rows.tolist(), cols.tolist(), strict=True))[:MAX_LISTED]:
        column = items[j].use.column
        text = table.columns[column.index].cells(np.array([r]))[0]
        coded.unknown.append(UnknownAnswer(int(table.rows[r]), column.label, _shown(str(text))))


def _tally_recodes(coded, table, items, keep: np.ndarray) -> None:
    for col in items:
        if not col.recode.any():
            continue
        column = table.columns[col.use.column.index]
        counts = np.bincount(column.codes[keep], minlength=len(column.texts))
        for code in np.flatnonzero(col.recode & (counts > 0)).tolist():
            coded.recodes[column.texts[code].strip()] += int(counts[code])


def _shown(value: str) -> str:
    """An answer as quoted in messages: a cell of any length stays one readable line."""
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 3].rstrip() + "..."


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
