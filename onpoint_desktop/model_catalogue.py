"""Which scoring models can be used: those shipped in ``resources/``, and those installed
from HQ's model packs into a workspace or the HQ store.

A round is scored with the model it records, so opening a workspace never depends on
which models happen to ship with this copy of the app: a model installed from a pack is
kept in the workspace itself. Model ids are immutable: one id always means the same
documents, and a pack that would give a shipped id other content is refused.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from onpoint_desktop.errors import ResourceError
from onpoint_desktop.framework import (
    DOCUMENT_ID,
    Framework,
    ModelDocuments,
    ScoringModel,
    framework,
    parse_model,
    referenced_paths,
)
from onpoint_desktop.resources import read_json, resources_dir

# The model of every round recorded before rounds named their model (release 1), and of a
# new workspace until HQ publishes another.
DEFAULT_MODEL_ID = "onpoint-1"


def read_model_folder(root: Path, model_id: str) -> ModelDocuments:
    """The documents of model ``model_id`` from a folder laid out like ``resources/``."""
    if not DOCUMENT_ID.fullmatch(model_id):
        raise ResourceError(f"'{model_id[:60]}' is not a scoring model id.")
    model_path = ModelDocuments.model_path(model_id)
    if not (root / model_path).is_file():
        raise ResourceError(f"Scoring model '{model_id}' is not installed ({root / model_path}).")
    model_doc = read_json(root / model_path)
    documents: dict[str, Any] = {model_path: model_doc}
    for path in referenced_paths(model_doc, str(root / model_path)):
        documents[path] = read_json(root / path)
    return ModelDocuments(model_id, documents, str(root))


@functools.cache
def shipped_model_ids() -> tuple[str, ...]:
    """The models shipped with the app (read once: the app's own files do not change)."""
    return tuple(sorted(p.stem for p in (resources_dir() / "models").glob("*.json")))


@functools.cache
def shipped_documents(model_id: str) -> ModelDocuments:
    return read_model_folder(resources_dir(), model_id)


@functools.cache
def shipped_model(model_id: str) -> ScoringModel:
    """A model shipped with the app, validated (cached). There is no default: a caller
    names the model it scores with (a round's, a bundle's, a pack's)."""
    return parse_model(shipped_documents(model_id), framework())


def canonical(docs: ModelDocuments) -> str:
    """The documents as one canonical JSON text: equal text, equal model."""
    return json.dumps(docs.documents, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class ModelCatalogue:
    """The models one workspace (or the HQ store) can score with.

    ``installed(model_id)`` returns the documents of a model installed from a pack (or
    None); ``installed_ids()`` lists them. Installed documents win over shipped ones of
    the same id (they are what the store was scored with; ids are immutable anyway).
    Models are parsed on first use and kept.
    """

    def __init__(
        self,
        installed: Callable[[str], ModelDocuments | None] = lambda _id: None,
        installed_ids: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self._installed = installed
        self._installed_ids = installed_ids
        self._parsed: dict[str, ScoringModel] = {}

    @property
    def framework(self) -> Framework:
        return framework()

    def get(self, model_id: str) -> ScoringModel:
        """The model ``model_id``; a ``ResourceError`` saying so when it is not here."""
        model = self._parsed.get(model_id)
        if model is None:
            docs = self._installed(model_id)
            if docs is not None:
                model = parse_model(docs, framework())
            elif model_id in shipped_model_ids():
                model = shipped_model(model_id)
            else:
                raise ResourceError(
                    f"Scoring model '{model_id[:60]}' is not installed here; import the model "
                    "pack HQ published for it ('onpoint model import')."
                )
            self._parsed[model_id] = model
        return model

    def ids(self) -> tuple[str, ...]:
        """Every model id available, shipped and installed, sorted."""
        return tuple(sorted({*shipped_model_ids(), *self._installed_ids()}))

    def forget(self, model_id: str) -> None:
        """Drop a parsed model (after its documents were installed or replaced)."""
        self._parsed.pop(model_id, None)


def check_installable(docs: ModelDocuments) -> ScoringModel:
    """Validate a model's documents before they are installed; refuse a shipped id with
    other content (an id always means the same model)."""
    model = parse_model(docs, framework())
    if docs.model_id in shipped_model_ids() and canonical(docs) != canonical(
        shipped_documents(docs.model_id)
    ):
        raise ResourceError(
            f"{docs.origin} gives scoring model '{docs.model_id}' other content than the "
            "model of that id shipped with Onpoint Desktop; a published model never changes. "
            "Ask HQ to publish it under a new id."
        )
    return model
