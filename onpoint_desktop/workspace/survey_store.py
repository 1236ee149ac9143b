"""Survey responses in the workspace: imports, aggregates, breakdowns."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from onpoint_desktop.breakdown import SchoolBreakdown, school_breakdown
from onpoint_desktop.errors import InputError
from onpoint_desktop.scoring import SurveyAggregates
from onpoint_desktop.workspace import responses as resp_store
from onpoint_desktop.workspace.records import default_author, utc_now

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from onpoint_desktop.framework import ScoringModel
    from onpoint_desktop.workspace.records import Round
    from onpoint_desktop.workspace.response_table import ResponseWriter

_IMPORT_COLUMNS = (
    "id",
    "round_id",
    "role",
    "source_name",
    "source_format",
    "rows_read",
    "rows_imported",
    "rows_skipped",
    "summary",
    "author",
    "imported_at",
)


class SurveyStore:
    """The survey methods of :class:`~onpoint_desktop.workspace.store.Workspace`."""

    # Provided by Workspace:
    conn: sqlite3.Connection
    round_model: Callable[[str], ScoringModel]
    transaction: Callable[[], AbstractContextManager[None]]
    get_round: Callable[[str], Round]
    meta: Callable[..., str | None]
    _aggregates: dict[tuple[str, str], tuple[str, SurveyAggregates]]

    def add_survey_responses(
        self,
        round_id: str,
        role: str,
        responses: Iterable[resp_store.Response],
        *,
        source_name: str = "generated",
        source_format: str = "generated",
        rows_read: int | None = None,
        summary: dict | None = None,
        author: str | None = None,
    ) -> int:
        """Store parsed responses in one transaction; returns how many were new."""
        model = self._model_with_role(round_id, role)
        responses = list(responses)
        with self.transaction():
            import_id = (
                self.db["survey_imports"]
                .insert(
                    {
                        "round_id": round_id,
                        "role": role,
                        "source_name": source_name,
                        "source_format": source_format,
                        "rows_read": rows_read or len(responses),
                        "rows_imported": 0,
                        "rows_skipped": 0,
                        "summary": json.dumps(summary or {}),
                        "author": author or default_author(),
                        "imported_at": utc_now(),
                    }
                )
                .last_pk
            )
            added = resp_store.insert_responses(
                self.conn, model, round_id, role, responses, import_id
            )
            self.conn.execute(
                "UPDATE survey_imports SET rows_imported = ?, rows_skipped = ? WHERE id = ?",
                (added, (rows_read or len(responses)) - added, import_id),
            )
            self._bump_survey_generation()
        return added

    @contextlib.contextmanager
    def response_import(
        self,
        round_id: str,
        role: str,
        *,
        source_name: str,
        source_format: str,
        author: str | None = None,
    ) -> Iterator[ResponseWriter]:
        """One survey import as one transaction: add ``ResponseTable`` batches to the
        yielded writer, then ``finish`` it. An exception (or ``Cancelled``) inside the
        block leaves the workspace unchanged; an import that stores nothing records
        nothing."""
        from onpoint_desktop.workspace.response_table import ResponseWriter

        model = self._model_with_role(round_id, role)
        record = {
            "round_id": round_id,
            "role": role,
            "source_name": source_name,
            "source_format": source_format,
            "rows_read": 0,
            "rows_imported": 0,
            "rows_skipped": 0,
            "summary": "{}",
            "author": author or default_author(),
            "imported_at": utc_now(),
        }
        with self.transaction():
            writer = ResponseWriter(self.conn, model, round_id, role, record)
            yield writer
            if writer.inserted:
                self._bump_survey_generation()

    def _model_with_role(self, round_id: str, role: str) -> ScoringModel:
        """The round's scoring model, which must have an instrument for ``role``."""
        model = self.round_model(round_id)
        if role not in model.instruments:
            raise InputError(
                f"Unknown role '{role}' for round {round_id} (model {model.id}); use "
                f"{' or '.join(model.roles)}."
            )
        return model

    def survey_imports(self, round_id: str | None = None) -> list[dict]:
        """The recorded survey imports (oldest first), with their summaries parsed."""
        sql = (
            "SELECT id, round_id, role, source_name, source_format, rows_read, rows_imported, "
            "rows_skipped, summary, author, imported_at FROM survey_imports"
        )
        args: tuple[str, ...] = ()
        if round_id is not None:
            sql += " WHERE round_id = ?"
            args = (round_id,)
        rows = [
            dict(zip(_IMPORT_COLUMNS, r, strict=False))
            for r in self.conn.execute(sql + " ORDER BY id", args)
        ]
        for row in rows:
            row["summary"] = json.loads(row["summary"] or "{}")
        return rows

    def _bump_survey_generation(self) -> None:
        self.conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'survey_generation'"
        )

    def survey_aggregates(
        self, round_id: str, school: str = resp_store.ALL_SCHOOLS
    ) -> SurveyAggregates:
        """Aggregates of a round, cached until any connection imports responses."""
        generation = self.meta("survey_generation", "0") or "0"
        cached = self._aggregates.get((round_id, school))
        if cached and cached[0] == generation:
            return cached[1]
        aggregates = resp_store.load_aggregates(self.conn, round_id, school)
        self._aggregates[round_id, school] = (generation, aggregates)
        return aggregates

    def respondent_counts(self, round_id: str) -> dict[str, int]:
        return resp_store.respondent_counts(self.conn, round_id)

    def survey_answer_counts(self, round_id: str) -> dict[str, dict[str, dict[int, int]]]:
        """Respondents per answer value, item and role in a round (raw answers)."""
        return resp_store.answer_counts(self.conn, round_id)

    def schools(self, round_id: str) -> list[str]:
        return resp_store.schools(self.conn, round_id)

    def school_breakdown(self, round_id: str) -> SchoolBreakdown:
        """Survey sub-scores by school, small cells suppressed (see ``breakdown``)."""
        model = self.round_model(round_id)
        by_school = {s: self.survey_aggregates(round_id, s) for s in self.schools(round_id)}
        return school_breakdown(model, self.survey_aggregates(round_id), by_school)
