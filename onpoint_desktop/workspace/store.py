"""The district workspace: one SQLite file per district.

Every user action is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``) on a WAL database
with ``synchronous=FULL``: once a call returns, its change survives a crash or a power cut,
and a failure part-way leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from onpoint_desktop import framework as fw
from onpoint_desktop import limits
from onpoint_desktop.benchmark import Benchmark, benchmark_from_json
from onpoint_desktop.errors import InputError, ResourceError, WorkspaceError
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID
from onpoint_desktop.scoring import RoundScore, SurveyAggregates, compute
from onpoint_desktop.workspace import schema
from onpoint_desktop.workspace.actions import ActionPlan
from onpoint_desktop.workspace.backup import rolling_backup
from onpoint_desktop.workspace.calibration_case import CaseGuard
from onpoint_desktop.workspace.connection import (
    connect,
    read_only_error,
    remove_database,
    transaction,
    writable,
    write_error,
)
from onpoint_desktop.workspace.evidence_store import EvidenceStore
from onpoint_desktop.workspace.model_store import InstalledModel, ModelTable
from onpoint_desktop.workspace.opener import create_owner_only, open_checked
from onpoint_desktop.workspace.ratings import RatingLog
from onpoint_desktop.workspace.records import District, Round, default_author, utc_now
from onpoint_desktop.workspace.responses import rebuild_aggregates
from onpoint_desktop.workspace.round_log import ADDED, RoundLog, carry_forward
from onpoint_desktop.workspace.survey_store import SurveyStore

if TYPE_CHECKING:
    import sqlite_utils

CURRENT_MODEL = "model"  # the meta key naming the model new rounds are scored with


class Workspace(RoundLog, RatingLog, SurveyStore, ActionPlan, EvidenceStore, CaseGuard):
    """An open district workspace. Use :meth:`create` or :meth:`open`; close when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        self.path = path
        self.conn = conn
        self.read_only = read_only
        self.backup_problem: str | None = None  # why the rolling backup on open failed
        self.model_table = ModelTable(conn, path.name, self.transaction)
        self.models = self.model_table.catalogue  # the models its rounds can be scored with
        self._aggregates: dict[tuple[str, str], tuple[str, SurveyAggregates]] = {}
        self._benchmarks: dict[int, Benchmark] = {}

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
        name = limits.checked_name(district_name, "The district name")
        if path.exists():
            raise WorkspaceError(f"{path} already exists; choose another file name.")
        if not path.parent.is_dir():
            raise WorkspaceError(f"Cannot create {path}: folder {path.parent} does not exist.")
        try:
            create_owner_only(path)  # it will hold survey responses
            conn = connect(path)
        except (OSError, sqlite3.Error) as exc:
            path.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.OperationalError):
                raise write_error(path, exc) from None
            raise WorkspaceError(
                f"Cannot create {path}: {getattr(exc, 'strerror', None) or exc}."
            ) from None
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
                        {"key": CURRENT_MODEL, "value": DEFAULT_MODEL_ID},
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
        if read_only is None:
            read_only = not writable(path)
        conn = open_checked(path, schema.WORKSPACE, read_only=read_only)
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
        """One user action: all of it is written, or none of it (nested: a savepoint)."""
        if self.read_only and not self.conn.in_transaction:
            raise read_only_error(self.path)
        with transaction(self.conn, self.path):
            yield

    # --- identity --------------------------------------------------------------------------

    @property
    def framework(self) -> fw.Framework:
        return self.models.framework

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
        self.refuse_in_case("rename the district")
        name = limits.checked_name(name, "The district name")
        with self.transaction():
            self.conn.execute("UPDATE district SET name = ?", (name,))

    # --- rounds ----------------------------------------------------------------------------

    _ROUND_COLUMNS = "id, label, stage, position, created_at, model"

    def rounds(self) -> list[Round]:
        """The district's rounds, oldest first (deleted ones left out)."""
        rows = self.conn.execute(
            f"SELECT {self._ROUND_COLUMNS} FROM rounds WHERE NOT deleted ORDER BY position"
        )
        return [Round(*r) for r in rows]

    def get_round(self, round_id: str) -> Round:
        row = self.conn.execute(
            f"SELECT {self._ROUND_COLUMNS} FROM rounds WHERE id = ? AND NOT deleted", (round_id,)
        ).fetchone()
        if row is None and round_id in self.deleted_rounds():
            raise InputError(
                f"Round '{round_id}' was deleted; 'onpoint round restore' brings it back."
            )
        if row is None:
            known = [r.id for r in self.rounds()]
            hint = f" Rounds here: {', '.join(known)}." if known else " Add one with 'round add'."
            raise InputError(f"No round '{round_id}' in {self.district.name}.{hint}")
        return Round(*row)

    def latest_round(self) -> Round | None:
        rounds = self.rounds()
        return rounds[-1] if rounds else None

    def add_round(
        self,
        round_id: str,
        stage: str,
        label: str | None = None,
        *,
        from_round: str | None = None,
        author: str | None = None,
    ) -> Round:
        """Add a round at ``stage``, scored with the workspace's current model; with
        ``from_round``, started from that round (``round_log.carry_forward``: its ratings
        are carried forward), all in one transaction."""
        self.refuse_in_case("add a round")
        if not round_id.strip():
            raise InputError("The round id must not be empty (e.g. 2024-25).")
        round_id = limits.checked_name(round_id, "The round id")
        label = limits.checked_name(label, "The round's label") if label else round_id
        self._check_stage(stage)
        if round_id in self.deleted_rounds():
            raise InputError(
                f"Round '{round_id}' exists but was deleted; restore it with 'onpoint round "
                "restore', or choose another id."
            )
        for other in self.rounds():
            if round_id in (other.id, other.label) or label in (other.id, other.label):
                raise InputError(
                    f"Round '{other.id}' already exists in {self.district.name}"
                    + (f" (named '{other.label}')." if other.label != other.id else ".")
                )
        previous = self.get_round(from_round) if from_round is not None else None
        model_id = self.current_model_id
        self.models.get(model_id)  # a current model that cannot be loaded is said here
        author = limits.checked_name(author or default_author() or "consultant", "The author")
        with self.transaction():
            position = self.conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM rounds"
            ).fetchone()[0]
            self.conn.execute(
                "INSERT INTO rounds (id, label, stage, position, created_at, model) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (round_id, label, stage, position, utc_now(), model_id),
            )
            origin = {"stage": stage, "label": label, "from": previous and previous.id}
            self.append_round_event(round_id, ADDED, json.dumps(origin), author)
            if previous is not None:
                carry_forward(self, previous.id, round_id, author)
        return self.get_round(round_id)

    def _check_stage(self, stage: str) -> None:
        stages = self.framework.stage_ids
        if stage not in stages:
            raise InputError(f"Unknown stage '{stage}'; use one of: {', '.join(stages)}.")

    # --- scoring models --------------------------------------------------------------------

    @property
    def current_model_id(self) -> str:
        """The model new rounds are scored with."""
        return self.meta(CURRENT_MODEL) or DEFAULT_MODEL_ID

    @property
    def current_model(self) -> fw.ScoringModel:
        return self.models.get(self.current_model_id)

    def set_current_model(self, model_id: str) -> None:
        """Score new rounds with ``model_id`` (an installed model); existing rounds keep theirs."""
        self.refuse_in_case("change the scoring model")
        self._installed_model(model_id)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (CURRENT_MODEL, model_id),
            )

    def round_model(self, round_id: str) -> fw.ScoringModel:
        """The scoring model a round records (SPEC §10)."""
        return self._installed_model(self.get_round(round_id).model_id)

    def set_round_model(self, round_id: str, model_id: str) -> RoundScore:
        """Score a round with another installed model, in one transaction: the round names
        it, and the round's survey aggregates are rebuilt for its components."""
        self.refuse_in_case("change a round's scoring model")
        self.get_round(round_id)
        model = self._installed_model(model_id)
        with self.transaction():
            self.conn.execute("UPDATE rounds SET model = ? WHERE id = ?", (model_id, round_id))
            rebuild_aggregates(self.conn, round_id, model)
            self._bump_survey_generation()  # cached aggregates are stale now
        return self.score(round_id)

    def install_model(
        self, docs: fw.ModelDocuments, published_by: str
    ) -> tuple[fw.ScoringModel, bool]:
        """Keep a model HQ published (checked, one transaction); see ``ModelTable.install``."""
        return self.model_table.install(docs, published_by)

    def installed_models(self) -> list[InstalledModel]:
        """Every model this workspace can score with, and the rounds scored with each."""
        rounds: dict[str, list[str]] = {}
        for rnd in self.rounds():
            rounds.setdefault(rnd.model_id, []).append(rnd.id)
        return self.model_table.listing(rounds, self.current_model_id)

    def _installed_model(self, model_id: str) -> fw.ScoringModel:
        try:
            return self.models.get(model_id)
        except ResourceError as exc:
            raise InputError(
                f"{exc} Models in {self.path.name}: {', '.join(self.models.ids())}."
            ) from None

    # --- benchmark and score ----------------------------------------------------------------

    def benchmark(self, model_id: str) -> Benchmark:
        """The benchmark of ``model_id``'s scores: the latest benchmark pack imported for that
        model, else the model's own (illustrative) benchmark."""
        model = self.models.get(model_id)
        row = self.conn.execute(
            "SELECT id, content, name FROM benchmark_packs WHERE model = ? "
            "ORDER BY id DESC LIMIT 1",
            (model_id,),
        ).fetchone()
        if row is None:
            return model.benchmark
        if row[0] not in self._benchmarks:
            source = f"benchmark pack '{row[2]}' in {self.path}"
            self._benchmarks[row[0]] = benchmark_from_json(row[1], source, model.component_ids)
        return self._benchmarks[row[0]]

    def previous_benchmark(self, model_id: str) -> Benchmark | None:
        """The benchmark ``model_id``'s scores were compared with before the latest pack
        was imported (the pack before it, else the model's own); None while no pack has
        been imported. A trend shows each round against both (SPEC §13)."""
        model = self.models.get(model_id)
        rows = self.conn.execute(
            "SELECT id, content, name FROM benchmark_packs WHERE model = ? "
            "ORDER BY id DESC LIMIT 2",
            (model_id,),
        ).fetchall()
        if not rows:
            return None
        if len(rows) == 1:
            return model.benchmark
        pack_id, content, name = rows[1]
        if pack_id not in self._benchmarks:
            source = f"benchmark pack '{name}' in {self.path}"
            self._benchmarks[pack_id] = benchmark_from_json(content, source, model.component_ids)
        return self._benchmarks[pack_id]

    def score(self, round_id: str | None = None) -> RoundScore:
        """The Onpoint score of a round (default: the latest), with the round's own model
        and that model's benchmark."""
        rnd = self.get_round(round_id) if round_id else self.latest_round()
        if rnd is None:
            raise InputError(f"{self.district.name} has no rounds yet; add one with 'round add'.")
        model = self.models.get(rnd.model_id)
        return compute(
            model,
            self.framework,
            self.levels(rnd.id),
            self.survey_aggregates(rnd.id),
            rnd.stage,
            self.benchmark(model.id),
            district=self.district.name,
            round_id=rnd.id,
        )


def _app_version() -> str:
    from onpoint_desktop import __version__

    return __version__
