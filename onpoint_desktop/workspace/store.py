"""The district workspace: one SQLite file per district.

Every user action is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``) on a WAL database
with ``synchronous=FULL``: once a call returns, its change survives a crash or a power cut,
and a failure part-way leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta, timezone
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING

from onpoint_desktop import framework as fw
from onpoint_desktop.benchmark import Benchmark, benchmark_from_json, default_benchmark
from onpoint_desktop.breakdown import SchoolBreakdown, school_breakdown
from onpoint_desktop.errors import InputError, WorkspaceError
from onpoint_desktop.scoring import RoundScore, SurveyAggregates, compute
from onpoint_desktop.workspace import responses as resp_store
from onpoint_desktop.workspace import schema
from onpoint_desktop.workspace.backup import backup_name, backup_to, rolling_backup
from onpoint_desktop.workspace.connection import (
    configure_connection,
    connect,
    connect_read_only,
    read_only_error,
    remove_database,
    writable,
    write_error,
)

if TYPE_CHECKING:
    import sqlite_utils

    from onpoint_desktop.workspace.response_table import ResponseWriter

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime(TIME_FORMAT)


def default_author() -> str:
    """Who is recording: ``ONPOINT_AUTHOR``, else the operating-system user."""
    name = os.environ.get("ONPOINT_AUTHOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "consultant"


@dataclass(frozen=True)
class District:
    uuid: str
    name: str
    created_at: str


@dataclass(frozen=True)
class Round:
    id: str
    label: str
    stage: str
    position: int
    created_at: str


@dataclass(frozen=True)
class RatingEvent:
    uuid: str
    round_id: str
    area_id: str
    level: int | None  # None: the rating was cleared
    note: str | None
    author: str
    created_at: str


_EVENT_COLUMNS = "uuid, round_id, area_id, level, note, author, created_at"
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


class Workspace:
    """An open district workspace. Use :meth:`create` or :meth:`open`; close when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        self.path = path
        self.conn = conn
        self.read_only = read_only
        self.backup_problem: str | None = None  # why the rolling backup on open failed
        self.resources = fw.load()
        self._aggregates: dict[tuple[str, str], tuple[str, SurveyAggregates]] = {}
        self._benchmark: tuple[int, Benchmark] | None = None

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection (imported on first use: it pulls in
        pandas, which the GUI must not pay for at start-up)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # --- opening and closing -----------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, district_name: str) -> Workspace:
        """Create a new workspace file for a district. Refuses to overwrite a file."""
        path = Path(path)
        name = district_name.strip()
        if not name:
            raise InputError("The district name must not be empty.")
        if path.exists():
            raise WorkspaceError(f"{path} already exists; choose another file name.")
        if not path.parent.is_dir():
            raise WorkspaceError(f"Cannot create {path}: folder {path.parent} does not exist.")
        try:
            conn = connect(path)
        except sqlite3.Error as exc:
            path.unlink(missing_ok=True)
            raise WorkspaceError(f"Cannot create {path}: {exc}.") from None
        ws = cls(path, conn)
        try:
            with ws.transaction():
                schema.create_schema(conn)
                now = utc_now()
                ws.db["meta"].insert_all(
                    [
                        {"key": "workspace_uuid", "value": str(uuid.uuid4())},
                        {"key": "created_at", "value": now},
                        {"key": "app_version", "value": _app_version()},
                        {"key": "model", "value": ws.model.id},
                        {"key": "survey_generation", "value": "0"},
                    ]
                )
                ws.db["district"].insert(
                    {"uuid": str(uuid.uuid4()), "name": name, "created_at": now}
                )
        except BaseException:
            conn.close()
            remove_database(path)
            raise
        return ws

    @classmethod
    def open(
        cls, path: str | Path, *, backup: bool = True, read_only: bool | None = None
    ) -> Workspace:
        """Open an existing workspace, migrating an older format after a backup.

        With ``backup`` (the default), a rolling backup is taken on open (see ``backup``);
        if it cannot be written (full disk...), the workspace still opens and
        ``backup_problem`` says why. ``read_only`` (default: when this user cannot write
        the file or its folder) opens it for looking only: every change then raises a
        ``WorkspaceError`` saying so, and ``read_only_notice`` is the sentence to show.
        """
        path = Path(path)
        schema.check_file(path)
        if read_only is None:
            read_only = not writable(path)
        try:
            conn = connect_read_only(path) if read_only else connect(path, configure=False)
        except sqlite3.Error as exc:
            raise WorkspaceError(f"{path} cannot be opened: {exc}.") from None
        try:
            version = schema.check_identity(conn, path)
            if read_only:
                if version < schema.SCHEMA_VERSION:
                    raise WorkspaceError(
                        f"{path} is in an older workspace format and cannot be upgraded where "
                        "it is (read-only); copy it somewhere writable and open the copy."
                    )
                conn.execute("PRAGMA foreign_keys = ON")
            elif version < schema.SCHEMA_VERSION:
                backup = backup_to(conn, backup_name(path, f"before-migration-v{version}"))
                try:
                    schema.migrate(conn, version)
                except sqlite3.Error as exc:
                    raise WorkspaceError(
                        f"Could not upgrade {path} from workspace format {version}: {exc}. "
                        f"The file is unchanged; a copy is at {backup}."
                    ) from None
            if not read_only:
                configure_connection(conn, path)
        except BaseException:
            conn.close()
            raise
        ws = cls(path, conn, read_only=read_only)
        if backup:
            try:
                rolling_backup(conn, path, ws.workspace_uuid)
            except (OSError, WorkspaceError) as exc:  # a missed backup must not lock work out
                ws.backup_problem = f"No backup was taken on opening {path.name}: {exc}"
        return ws

    @property
    def read_only_notice(self) -> str | None:
        """The sentence to show while the workspace is open read-only (else None)."""
        if not self.read_only:
            return None
        return (
            f"{self.path.name} is open read-only: this user cannot change the file or its "
            "folder. You can look at it, score it and export it; to change it, save a copy "
            "somewhere writable and open the copy."
        )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One user action: all of it is written, or none of it."""
        if self.conn.in_transaction:  # nested: a savepoint inside the caller's action
            self.conn.execute("SAVEPOINT nested_action")
            try:
                yield
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK TO SAVEPOINT nested_action")
                    self.conn.execute("RELEASE SAVEPOINT nested_action")
                raise
            self.conn.execute("RELEASE SAVEPOINT nested_action")
            return
        if self.read_only:
            raise read_only_error(self.path)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise write_error(self.path, exc) from None
        try:
            yield
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise write_error(self.path, exc) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    # --- identity --------------------------------------------------------------------------

    @property
    def model(self) -> fw.ScoringModel:
        return self.resources.model

    @property
    def framework(self) -> fw.Framework:
        return self.resources.framework

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @property
    def workspace_uuid(self) -> str:
        return self.meta("workspace_uuid") or ""

    @property
    def district(self) -> District:
        row = self.conn.execute("SELECT uuid, name, created_at FROM district").fetchone()
        return District(*row)

    def rename_district(self, name: str) -> None:
        if not name.strip():
            raise InputError("The district name must not be empty.")
        with self.transaction():
            self.conn.execute("UPDATE district SET name = ?", (name.strip(),))

    # --- rounds ----------------------------------------------------------------------------

    def rounds(self) -> list[Round]:
        rows = self.conn.execute(
            "SELECT id, label, stage, position, created_at FROM rounds ORDER BY position"
        )
        return [Round(*r) for r in rows]

    def get_round(self, round_id: str) -> Round:
        row = self.conn.execute(
            "SELECT id, label, stage, position, created_at FROM rounds WHERE id = ?", (round_id,)
        ).fetchone()
        if row is None:
            known = [r.id for r in self.rounds()]
            hint = f" Rounds here: {', '.join(known)}." if known else " Add one with 'round add'."
            raise InputError(f"No round '{round_id}' in {self.district.name}.{hint}")
        return Round(*row)

    def latest_round(self) -> Round | None:
        rounds = self.rounds()
        return rounds[-1] if rounds else None

    def add_round(self, round_id: str, stage: str, label: str | None = None) -> Round:
        round_id = round_id.strip()
        if not round_id:
            raise InputError("The round id must not be empty (e.g. 2024-25).")
        self._check_stage(stage)
        if any(r.id == round_id for r in self.rounds()):
            raise InputError(f"Round '{round_id}' already exists in {self.district.name}.")
        with self.transaction():
            position = self.conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM rounds"
            ).fetchone()[0]
            self.db["rounds"].insert(
                {
                    "id": round_id,
                    "label": (label or round_id).strip(),
                    "stage": stage,
                    "position": position,
                    "created_at": utc_now(),
                }
            )
        return self.get_round(round_id)

    def set_round_stage(self, round_id: str, stage: str) -> Round:
        self.get_round(round_id)
        self._check_stage(stage)
        with self.transaction():
            self.conn.execute("UPDATE rounds SET stage = ? WHERE id = ?", (stage, round_id))
        return self.get_round(round_id)

    def _check_stage(self, stage: str) -> None:
        stages = self.framework.stage_ids
        if stage not in stages:
            raise InputError(f"Unknown stage '{stage}'; use one of: {', '.join(stages)}.")

    # --- ratings ---------------------------------------------------------------------------

    def rate(
        self,
        round_id: str,
        area_id: str,
        level: int | None,
        note: str | None = None,
        author: str | None = None,
    ) -> RatingEvent:
        """Record a rating (``level`` None clears it) as a new rating event."""
        self.get_round(round_id)
        self.check_area(area_id)
        top = self.framework.max_level
        if level is not None and (isinstance(level, bool) or level not in range(1, top + 1)):
            raise InputError(f"Rating level must be 1–{top} (or 0 to clear), not {level}.")
        note = note.strip() if note and note.strip() else None
        with self.transaction():
            event = RatingEvent(
                uuid=str(uuid.uuid4()),
                round_id=round_id,
                area_id=area_id,
                level=level,
                note=note,
                author=(author or default_author()).strip() or "consultant",
                created_at=self._next_timestamp(),
            )
            # Plain SQL on the hot path: no table introspection, no pandas import.
            self.conn.execute(
                f"INSERT INTO rating_events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                astuple(event),
            )
        return event

    def check_area(self, area_id: str) -> None:
        areas = self.framework.areas
        if area_id not in areas:
            close = get_close_matches(area_id, list(areas), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise InputError(
                f"Unknown focus area '{area_id}'.{hint} 'onpoint areas' lists them all."
            )

    def _next_timestamp(self) -> str:
        """Now, but strictly after every recorded event (so order never depends on clocks)."""
        now = datetime.now(timezone.utc)
        last = self.conn.execute("SELECT max(created_at) FROM rating_events").fetchone()[0]
        if last:
            floor = datetime.strptime(last, TIME_FORMAT).replace(tzinfo=timezone.utc)
            if now <= floor:
                now = floor + timedelta(microseconds=1)
        return now.strftime(TIME_FORMAT)

    def board(self, round_id: str) -> dict[str, RatingEvent]:
        """The current rating of each rated area: its latest event (time, then UUID)."""
        rows = self.conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM ("
            f"  SELECT {_EVENT_COLUMNS}, row_number() OVER ("
            "    PARTITION BY area_id ORDER BY created_at DESC, uuid DESC) AS rank"
            "  FROM rating_events WHERE round_id = ?"
            ") WHERE rank = 1 AND level IS NOT NULL",
            (round_id,),
        )
        return {r[2]: RatingEvent(*r) for r in rows}

    def levels(self, round_id: str) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT area_id, level FROM ("
            "  SELECT area_id, level, row_number() OVER ("
            "    PARTITION BY area_id ORDER BY created_at DESC, uuid DESC) AS rank"
            "  FROM rating_events WHERE round_id = ?"
            ") WHERE rank = 1 AND level IS NOT NULL",
            (round_id,),
        )
        return dict(rows.fetchall())

    def history(self, round_id: str, area_id: str | None = None) -> list[RatingEvent]:
        """Rating events of a round (or one area), oldest first."""
        sql = f"SELECT {_EVENT_COLUMNS} FROM rating_events WHERE round_id = ?"
        args: tuple[str, ...] = (round_id,)
        if area_id is not None:
            sql += " AND area_id = ?"
            args += (area_id,)
        rows = self.conn.execute(sql + " ORDER BY created_at, uuid", args)
        return [RatingEvent(*r) for r in rows]

    # --- survey responses -------------------------------------------------------------------

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
        self.get_round(round_id)
        if role not in self.model.role_weights:
            raise InputError(f"Unknown role '{role}'; use teacher or leader.")
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
                self.conn, self.model, round_id, role, responses, import_id
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

        self.get_round(round_id)
        if role not in self.model.role_weights:
            raise InputError(f"Unknown role '{role}'; use teacher or leader.")
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
            writer = ResponseWriter(self.conn, self.model, round_id, role, record)
            yield writer
            if writer.inserted:
                self._bump_survey_generation()

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

    def schools(self, round_id: str) -> list[str]:
        return resp_store.schools(self.conn, round_id)

    def school_breakdown(self, round_id: str) -> SchoolBreakdown:
        """Survey sub-scores by school, small cells suppressed (see ``breakdown``)."""
        self.get_round(round_id)
        by_school = {s: self.survey_aggregates(round_id, s) for s in self.schools(round_id)}
        return school_breakdown(self.model, self.survey_aggregates(round_id), by_school)

    # --- benchmark and score ----------------------------------------------------------------

    def benchmark(self) -> Benchmark:
        """The benchmark in use: the latest imported benchmark pack, else the default."""
        row = self.conn.execute(
            "SELECT id, content, name FROM benchmark_packs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return default_benchmark()
        if self._benchmark is None or self._benchmark[0] != row[0]:
            source = f"benchmark pack '{row[2]}' in {self.path}"
            self._benchmark = (row[0], benchmark_from_json(row[1], source))
        return self._benchmark[1]

    def score(self, round_id: str | None = None) -> RoundScore:
        """The Onpoint score of a round (default: the latest)."""
        rnd = self.get_round(round_id) if round_id else self.latest_round()
        if rnd is None:
            raise InputError(f"{self.district.name} has no rounds yet; add one with 'round add'.")
        return compute(
            self.model,
            self.framework,
            self.levels(rnd.id),
            self.survey_aggregates(rnd.id),
            rnd.stage,
            self.benchmark(),
            district=self.district.name,
            round_id=rnd.id,
        )


def _app_version() -> str:
    from onpoint_desktop import __version__

    return __version__
