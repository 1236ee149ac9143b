"""Scoring models installed from HQ's model packs (SPEC §10), kept in the file they score.

A workspace keeps the documents of every model it installed, so its rounds score the same
on any computer, whichever models that copy of the app ships; the HQ store keeps the
models HQ published, so it scores every round it merges with the round's own model. Both
use :class:`ModelTable` on their ``scoring_models`` table.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from onpoint_desktop.errors import InputError, OnpointError
from onpoint_desktop.framework import ModelDocuments, ScoringModel
from onpoint_desktop.model_catalogue import ModelCatalogue, canonical, check_installable
from onpoint_desktop.workspace.records import utc_now

# The table both a workspace and the HQ store keep the models they installed in (created by
# each file's migration to models as data).
SCORING_MODELS_TABLE = """
CREATE TABLE scoring_models (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    documents TEXT NOT NULL,  -- the model's documents, canonical JSON
    published_by TEXT NOT NULL,  -- fingerprint of the HQ signing key of the pack
    installed_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class InstalledModel:
    """One line of ``model list``."""

    id: str
    version: int
    name: str
    origin: str  # "shipped" or "pack"
    published_by: str  # the fingerprint of the HQ key that signed the pack ("" if shipped)
    installed_at: str
    rounds: tuple[str, ...]  # rounds scored with it
    current: bool  # new rounds are scored with it


class ModelTable:
    """The ``scoring_models`` table of one file (workspace or HQ store)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        name: str,
        transaction: Callable[[], contextlib.AbstractContextManager[None]],
    ) -> None:
        self.conn, self.name, self.transaction = conn, name, transaction
        self.catalogue = ModelCatalogue(self.documents, self.ids)

    def documents(self, model_id: str) -> ModelDocuments | None:
        row = self.conn.execute(
            "SELECT documents FROM scoring_models WHERE id = ?", (model_id,)
        ).fetchone()
        if row is None:
            return None
        return ModelDocuments(model_id, json.loads(row[0]), f"{self.name} (model pack)")

    def ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM scoring_models ORDER BY id")]

    def install(self, docs: ModelDocuments, published_by: str) -> tuple[ScoringModel, bool]:
        """Keep a model's documents (one transaction); returns the model and whether it was
        new. The same documents again change nothing; other documents under an installed id
        are refused (a published model never changes)."""
        model = check_installable(docs)
        text = canonical(docs)
        held = self.documents(docs.model_id)
        if held is not None:
            if canonical(held) != text:
                raise InputError(
                    f"{docs.origin} gives scoring model '{docs.model_id}' other content than "
                    f"the model of that id in {self.name}; a published model never changes. "
                    "Ask HQ to publish it under a new id."
                )
            return model, False
        with self.transaction():
            self.conn.execute(
                "INSERT INTO scoring_models (id, version, name, documents, published_by, "
                "installed_at) VALUES (?, ?, ?, ?, ?, ?)",
                (model.id, model.version, model.name, text, published_by, utc_now()),
            )
        self.catalogue.forget(model.id)
        return model, True

    def listing(self, rounds: dict[str, list[str]], current: str) -> list[InstalledModel]:
        """Every model available here, with the rounds (``model id → round ids``) it scores."""
        packs = {
            r[0]: r[1:]
            for r in self.conn.execute("SELECT id, published_by, installed_at FROM scoring_models")
        }
        out = []
        for model_id in sorted({*self.catalogue.ids(), *rounds}):
            published_by, installed_at = packs.get(model_id, ("", ""))
            try:
                model = self.catalogue.get(model_id)
                version, name = model.version, model.name
            except OnpointError:  # a round naming a model this copy lacks
                version, name = 0, "(not installed)"
            out.append(
                InstalledModel(
                    id=model_id,
                    version=version,
                    name=name,
                    origin="pack" if model_id in packs else "shipped",
                    published_by=published_by,
                    installed_at=installed_at,
                    rounds=tuple(rounds.get(model_id, ())),
                    current=model_id == current,
                )
            )
        return out
