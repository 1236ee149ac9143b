"""The district workspace: round trips, rating history, refusals that change nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from onpoint_desktop.errors import InputError, WorkspaceError
from onpoint_desktop.workspace import Response, Workspace, schema
from onpoint_desktop.workspace import responses as resp_store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def event_count(ws: Workspace) -> int:
    return ws.conn.execute("SELECT count(*) FROM rating_events").fetchone()[0]


def test_create_and_reopen_keeps_everything(tmp_path):
    path = tmp_path / "d.onpoint.db"
    with Workspace.create(path, "  Maple Valley  ") as ws:
        ws.add_round("2023-24", "year1", "School year 2023-24")
        ws.add_round("2024-25", "year2")
        ws.rate("2024-25", "pl_rollout_plan", 3, note="Plan shared with principals")
        district, wid = ws.district, ws.workspace_uuid
    with Workspace.open(path) as ws:
        assert ws.district == district
        assert ws.district.name == "Maple Valley"
        assert ws.workspace_uuid == wid
        assert [(r.id, r.stage, r.label) for r in ws.rounds()] == [
            ("2023-24", "year1", "School year 2023-24"),
            ("2024-25", "year2", "2024-25"),
        ]
        assert ws.latest_round().id == "2024-25"
        event = ws.board("2024-25")["pl_rollout_plan"]
        assert (event.level, event.note, event.author) == (
            3,
            "Plan shared with principals",
            "Test Consultant",
        )


def test_connection_settings_are_crash_safe(ws):
    assert ws.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert ws.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert ws.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_latest_event_wins_and_clearing_removes_the_rating(ws):
    ws.rate("r1", "it_support_plan", 2, note="first")
    ws.rate("r1", "it_support_plan", 4)
    assert ws.board("r1")["it_support_plan"].level == 4
    assert ws.board("r1")["it_support_plan"].note is None
    ws.rate("r1", "it_support_plan", None)
    assert "it_support_plan" not in ws.board("r1")
    history = ws.history("r1", "it_support_plan")
    assert [e.level for e in history] == [2, 4, None]
    stamps = [e.created_at for e in history]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


def test_rating_events_are_append_only(ws):
    ws.rate("r1", "it_support_plan", 2)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        ws.conn.execute("UPDATE rating_events SET level = 4")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        ws.conn.execute("DELETE FROM rating_events")


def test_rounds_are_separate(ws):
    ws.add_round("r2", "year1")
    ws.rate("r1", "workforce_plan", 1)
    ws.rate("r2", "workforce_plan", 4)
    assert ws.levels("r1") == {"workforce_plan": 1}
    assert ws.levels("r2") == {"workforce_plan": 4}


@pytest.mark.parametrize(
    ("round_id", "area", "level", "message"),
    [
        ("r1", "pl_vison_alignment", 3, "Did you mean 'pl_vision_alignment'"),
        ("r1", "it_support_plan", 5, "1–4"),
        ("r1", "it_support_plan", 0, "1–4"),
        ("nope", "it_support_plan", 3, "No round 'nope'"),
    ],
)
def test_bad_ratings_are_refused_and_change_nothing(ws, round_id, area, level, message):
    ws.rate("r1", "it_support_plan", 2)
    with pytest.raises(InputError, match=message):
        ws.rate(round_id, area, level)
    assert event_count(ws) == 1


def test_bad_rounds_are_refused(ws):
    with pytest.raises(InputError, match="Unknown stage 'year4'"):
        ws.add_round("r2", "year4")
    with pytest.raises(InputError, match="already exists"):
        ws.add_round("r1", "year1")
    with pytest.raises(InputError, match="must not be empty"):
        ws.add_round("  ", "year1")
    assert [r.id for r in ws.rounds()] == ["r1"]


def test_a_failed_action_leaves_nothing_behind(ws):
    with pytest.raises(RuntimeError), ws.transaction():
        ws.conn.execute(
            "INSERT INTO rounds (id, label, stage, position, created_at) "
            "VALUES ('r9', 'r9', 'year1', 9, '2026-01-01T00:00:00.000000Z')"
        )
        raise RuntimeError("power cut")
    assert [r.id for r in ws.rounds()] == ["r1"]


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "x.onpoint.db"
    path.write_text("precious")
    with pytest.raises(WorkspaceError, match="already exists"):
        Workspace.create(path, "X")
    assert path.read_text() == "precious"
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace.create(tmp_path / "missing" / "x.onpoint.db", "X")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"School,T01\nLincoln,4\n", "not a SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 200, "damaged"),
    ],
)
def test_non_workspaces_are_refused_unchanged(tmp_path, content, message):
    path = tmp_path / "x.onpoint.db"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError, match=message):
        Workspace.open(path)
    assert path.read_bytes() == content


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(WorkspaceError, match="No workspace at"):
        Workspace.open(tmp_path / "nothing.onpoint.db")
    assert not (tmp_path / "nothing.onpoint.db").exists()


def test_foreign_sqlite_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(WorkspaceError, match="not an Onpoint workspace"):
        Workspace.open(path)
    assert digest(path) == before


def test_newer_workspace_is_refused_unchanged(ws):
    ws.conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    ws.close()
    before = digest(ws.path)
    with pytest.raises(WorkspaceError, match="newer Onpoint Desktop"):
        Workspace.open(ws.path)
    assert digest(ws.path) == before


def test_damaged_pages_are_detected(tmp_path):
    path = tmp_path / "d.onpoint.db"
    with Workspace.create(path, "D") as ws:
        ws.add_round("r1", "planning")
        for i in range(300):
            ws.rate("r1", "it_support_plan", 1 + i % 4, note="x" * 200)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3 : page * 3 + 2000] = b"\x07" * 2000
    path.write_bytes(bytes(data))
    with pytest.raises(WorkspaceError, match="damaged"):
        Workspace.open(path)
    assert path.read_bytes() == bytes(data)


def add_visit_column(conn):
    conn.execute("ALTER TABLE rounds ADD COLUMN visit_date TEXT")


def one_version_ahead(monkeypatch, migration) -> int:
    """Pretend the app is one schema version ahead, with ``migration`` as its last step;
    returns the version files written before that have."""
    old = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, migration])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", old + 1)
    return old


def _make_old(path):
    with Workspace.create(path, "Old District") as ws:
        ws.add_round("r1", "year1")
        ws.rate("r1", "it_support_plan", 3)


def test_older_workspace_is_migrated_after_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "old.onpoint.db"
    _make_old(path)
    old = one_version_ahead(monkeypatch, add_visit_column)
    with Workspace.open(path) as ws:
        assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == old + 1
        columns = [r[1] for r in ws.conn.execute("PRAGMA table_info(rounds)")]
        assert "visit_date" in columns
        assert ws.levels("r1") == {"it_support_plan": 3}
    backups = list(tmp_path.glob(f"old.onpoint.db.before-migration-v{old}-*.bak"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("PRAGMA user_version").fetchone()[0] == old
    assert copy.execute("SELECT count(*) FROM rating_events").fetchone()[0] == 1
    copy.close()


def test_failed_migration_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.onpoint.db"
    _make_old(path)

    def broken(conn):
        conn.execute("ALTER TABLE rounds ADD COLUMN visit_date TEXT")
        conn.execute("SELECT * FROM no_such_table")

    old = one_version_ahead(monkeypatch, broken)
    with pytest.raises(WorkspaceError, match="file is unchanged"):
        Workspace.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    assert "visit_date" not in [r[1] for r in conn.execute("PRAGMA table_info(rounds)")]
    conn.close()


def test_incremental_aggregates_equal_a_full_rebuild(ws):
    ws.add_survey_responses(
        "r1",
        "teacher",
        [
            Response(f"k{i}", {"T01": 1 + i % 5, "T07": 2, "T21": 3}, school=f"S{i % 3}")
            for i in range(20)
        ],
    )
    ws.add_survey_responses(
        "r1", "teacher", [Response(f"k{i}", {"T02": 4}, school="S9") for i in range(15, 40)]
    )
    tables = ("survey_item_stats", "survey_component_counts")

    def dump():
        return {t: sorted(ws.conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}

    incremental = dump()
    with ws.transaction():
        resp_store.rebuild_aggregates(ws.conn, "r1", ws.round_model("r1"))
    assert dump() == incremental
    assert ws.respondent_counts("r1") == {"teacher": 40}


def test_same_responses_twice_add_nothing(ws):
    batch = [Response(f"k{i}", {"T01": 4}) for i in range(6)]
    assert ws.add_survey_responses("r1", "teacher", batch) == 6
    assert ws.add_survey_responses("r1", "teacher", batch) == 0
    assert ws.score("r1").component("strategy_communication").n_teacher == 6


def test_aggregate_cache_sees_imports_from_another_connection(ws):
    assert ws.score("r1").component("operations").n_teacher == 0
    with Workspace.open(ws.path) as other:
        other.add_survey_responses(
            "r1", "teacher", [Response(f"k{i}", {"T21": 4}) for i in range(5)]
        )
    assert ws.score("r1").component("operations").n_teacher == 5


def test_a_nested_action_rolls_back_alone(ws):
    with ws.transaction():
        ws.rate("r1", "it_support_plan", 2)
        with pytest.raises(RuntimeError), ws.transaction():
            ws.rate("r1", "budget_3_5_year", 4)
            raise RuntimeError("this step fails")
        ws.rate("r1", "workforce_plan", 3)
    assert ws.levels("r1") == {"it_support_plan": 2, "workforce_plan": 3}
