"""Survey responses in the workspace: imports, aggregates, breakdowns."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from onpoint_desktop import limits
from onpoint_desktop.errors import InputError
from onpoint_desktop.scoring import SurveyAggregates
from onpoint_desktop.workspace import responses as resp_store
from onpoint_desktop.workspace.records import default_author, utc_now

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from onpoint_desktop.breakdown import SchoolBreakdown
    from onpoint_desktop.framework import Instrument, ScoringModel
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

    def survey_model(self, round_id: str) -> ScoringModel:
        """The scoring model a round is scored with: its instruments read the round's
        survey files and its components aggregate them."""
        return self.round_model(round_id)

    def survey_instruments(self, round_id: str) -> dict[str, Instrument]:
        """The instruments (per role) survey files of a round are read with."""
        return dict(self.survey_model(round_id).instruments)

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
        from onpoint_desktop.workspace.response_table import ResponseTable

        model = self._model_with_role(round_id, role)
        responses = list(responses)
        items = list(model.instruments[role].item_ids)
        items += sorted({i for r in responses for i in r.answers} - set(items))
        with self.response_import(
            round_id, role, source_name=source_name, source_format=source_format, author=author
        ) as writer:
            writer.add(ResponseTable.from_responses(responses, items))
            writer.finish(rows_read or len(responses), summary or {})
        return writer.inserted

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
        self.refuse_in_case("import survey responses")
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
            component_of = resp_store.component_of(model, role)
            writer = ResponseWriter(self.conn, component_of, round_id, role, record)
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

    def survey_import(self, import_id: int | str) -> dict:
        """One recorded survey import by its id, or an ``InputError`` listing how to find one."""
        try:
            number = int(str(import_id).strip())
        except ValueError:
            number = -1
        found = [i for i in self.survey_imports() if i["id"] == number]
        if not found:
            raise InputError(
                f"No survey import {import_id} here; 'onpoint survey list' shows the imports "
                "and their ids."
            )
        return found[0]

    def remove_survey_import(self, import_id: int | str, author: str | None = None) -> dict:
        """Remove a survey import and the responses it added, in one transaction: the
        round's aggregates (so its score) follow at once, and the removal is recorded (the
        keys of the responses removed) so that bundles take it to HQ. Returns the import
        as it was, with ``removed`` (how many responses went) and ``responses`` (the rows
        removed, for :meth:`restore_survey_import`: the GUI's undo)."""
        self.refuse_in_case("remove a survey import")
        import uuid

        record = self.survey_import(import_id)
        round_id, role = record["round_id"], record["role"]
        model = self.survey_model(round_id)
        with self.transaction():
            rows = self.conn.execute(
                "SELECT response_key, school, answers, comment FROM survey_responses "
                "WHERE import_id = ? ORDER BY response_key",
                (record["id"],),
            ).fetchall()
            keys = [r[0] for r in rows]
            self.conn.execute("DELETE FROM survey_responses WHERE import_id = ?", (record["id"],))
            self.conn.execute("DELETE FROM survey_imports WHERE id = ?", (record["id"],))
            self.conn.execute(
                "INSERT INTO survey_removals (uuid, round_id, role, source_name, response_keys, "
                "author, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    round_id,
                    role,
                    record["source_name"],
                    json.dumps(keys),
                    limits.checked_name(author or default_author() or "consultant", "The author"),
                    utc_now(),
                ),
            )
            resp_store.rebuild_aggregates(self.conn, round_id, model)
            self._bump_survey_generation()
        return {**record, "removed": len(keys), "responses": rows}

    def restore_survey_import(self, removed: dict) -> dict:
        """Put back a survey import :meth:`remove_survey_import` removed (its record and
        responses; one transaction): the undo of a removal. Responses imported again since
        are not doubled. The removal stays recorded; the responses' next bundle is newer,
        so HQ holds them again. Returns the import as restored."""
        self.refuse_in_case("restore a survey import")
        round_id, role = removed["round_id"], removed["role"]
        model = self.survey_model(round_id)
        record = {k: removed[k] for k in _IMPORT_COLUMNS}
        record["summary"] = json.dumps(record["summary"], ensure_ascii=False, sort_keys=True)
        with self.transaction():
            taken = self.conn.execute(
                "SELECT 1 FROM survey_imports WHERE id = ?", (record["id"],)
            ).fetchone()
            if taken:
                del record["id"]
            cursor = self.conn.execute(
                f"INSERT INTO survey_imports ({', '.join(record)}) "
                f"VALUES ({', '.join('?' * len(record))})",
                list(record.values()),
            )
            import_id = cursor.lastrowid
            self.conn.executemany(
                "INSERT OR IGNORE INTO survey_responses (round_id, role, response_key, school, "
                "answers, comment, import_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(round_id, role, *row, import_id) for row in removed["responses"]],
            )
            resp_store.rebuild_aggregates(self.conn, round_id, model)
            self._bump_survey_generation()
        return self.survey_import(import_id)

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

    # --- invitations (the denominators of response rates) ---------------------------------

    def set_invited(
        self, round_id: str, role: str, invited: int, school: str | None = None
    ) -> None:
        """Record how many of ``role`` a round's survey went to (district-wide, or in one
        ``school``); 0 forgets the number. One transaction."""
        self.refuse_in_case("record how many were invited to a survey")
        roles = self.survey_model(round_id).roles
        if role not in roles:
            raise InputError(f"Unknown role '{role}'; use {' or '.join(roles)}.")
        if isinstance(invited, bool) or not isinstance(invited, int) or invited < 0:
            raise InputError(
                f"The number invited must be a whole number, 0 or more (not {invited!r})."
            )
        place = limits.checked_name(" ".join(school.split()), "The school name") if school else ""
        with self.transaction():
            if invited:
                self.conn.execute(
                    "INSERT INTO survey_invitations (round_id, role, school, invited) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (round_id, role, school) "
                    "DO UPDATE SET invited = excluded.invited",
                    (round_id, role, place, invited),
                )
            else:
                self.conn.execute(
                    "DELETE FROM survey_invitations WHERE round_id = ? AND role = ? AND school = ?",
                    (round_id, role, place),
                )

    def invitations(self, round_id: str) -> dict[tuple[str, str], int]:
        """(role, school) → invited, for a round (school '' is the whole district)."""
        rows = self.conn.execute(
            "SELECT role, school, invited FROM survey_invitations WHERE round_id = ?",
            (round_id,),
        )
        return {(role, school): n for role, school, n in rows}

    def school_breakdown(self, round_id: str) -> SchoolBreakdown:
        """Survey sub-scores by school, small cells suppressed (see ``breakdown``)."""
        model = self.round_model(round_id)
        by_school = {s: self.survey_aggregates(round_id, s) for s in self.schools(round_id)}
        from onpoint_desktop.breakdown import school_breakdown

        return school_breakdown(model, self.survey_aggregates(round_id), by_school)
