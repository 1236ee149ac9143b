"""Model packs: HQ publishes a scoring model, consultants install it (SPEC §10).

HQ side. :func:`build_model_pack` reads a new model from a folder laid out like
``resources/`` (``models/<id>.json`` and the instrument, recommendation and benchmark files
it names), validates all of it against the app's framework exactly as a workspace will,
keeps it in the HQ store (so HQ scores the rounds that use it) and writes the pack: the
documents, signed with HQ's signing key (``signed``, kind ``model-pack``). All or
nothing: a pack that cannot be written leaves the store without the model.

Consultant side. :func:`import_model_pack` accepts only a pack signed by the HQ key the
consultant trusts (``hq-key import``), checks that it holds exactly the documents its
model names, validates them and installs the model in the workspace (one transaction).
The same pack twice installs nothing new; a pack giving an installed or shipped model id
other content is refused (a published model never changes).

The pack document::

    {"format": "onpoint-model-pack/1", "model": "<id>", "version": 1, "name": "...",
     "documents": {"models/<id>.json": {...}, "instruments/<id>.json": {...}, ...}}
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from onpoint_desktop.errors import BundleError, OnpointError
from onpoint_desktop.framework import DOCUMENT_ID, ModelDocuments, ScoringModel, referenced_paths
from onpoint_desktop.model_catalogue import (
    canonical,
    check_installable,
    read_model_folder,
    shipped_documents,
    shipped_model_ids,
)
from onpoint_desktop.sync import keys, signed

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_store import HQStore
    from onpoint_desktop.workspace import Workspace

PACK_FORMAT = "onpoint-model-pack/1"
MAX_PACK_BYTES = 8 * 1024**2  # a model with its texts is tens of kilobytes


def new_model_in(folder: Path) -> str:
    """The id of the model a folder publishes: the one model file in its ``models/`` that
    is not a model shipped with the app unchanged."""
    models = folder / "models"
    if not models.is_dir():
        raise BundleError(
            f"{folder} has no models folder; lay it out like resources/ (models/<id>.json, "
            "instruments/, recommendations/, benchmarks/)."
        )
    ids = sorted(p.stem for p in models.glob("*.json"))
    new = [
        i
        for i in ids
        if i not in shipped_model_ids()
        or canonical(read_model_folder(folder, i)) != canonical(shipped_documents(i))
    ]
    if len(new) != 1:
        found = ", ".join(new) if new else "none"
        raise BundleError(
            f"{models} must hold exactly one new scoring model (found: {found}); name the "
            "one to publish with --model."
        )
    return new[0]


def build_model_pack(
    hq: HQStore, folder: Path, out: Path, *, model_id: str | None = None
) -> ScoringModel:
    """Validate the model in ``folder``, keep it in the HQ store and write its signed pack."""
    signing_key = hq.signing_key()  # refused before any work when the key is not there
    folder = Path(folder)
    model_id = model_id or new_model_in(folder)
    try:
        docs = read_model_folder(folder, model_id)
        model = check_installable(docs)
    except OnpointError as exc:
        raise BundleError(f"{exc} No model pack was written.") from None
    document = {
        "format": PACK_FORMAT,
        "model": model.id,
        "version": model.version,
        "name": model.name,
        "documents": dict(docs.documents),
    }
    fingerprint = keys.fingerprint(keys.raw_public(signing_key.public_key()))
    with hq.transaction():  # the store keeps the model only if the pack is written too
        hq.model_table.install(docs, published_by=fingerprint)
        signed.write_signed(out, signed.MODEL_PACK, document, signing_key)
    return model


def read_model_pack(
    path: Path, trusted: keys.HQPublicKey | None = None
) -> tuple[ModelDocuments, str]:
    """The documents of a model pack signed by the trusted HQ key (default: the one
    imported with ``hq-key import``), and the fingerprint of the key that signed it."""
    path = Path(path)
    pack = signed.read_signed(path, signed.MODEL_PACK, trusted, max_bytes=MAX_PACK_BYTES)
    doc: Any = pack.document
    if not isinstance(doc, dict) or doc.get("format") != PACK_FORMAT:
        raise BundleError(f"{path} is not a model pack ({PACK_FORMAT}); it was not imported.")
    model_id, documents = doc.get("model"), doc.get("documents")
    if not isinstance(model_id, str) or not DOCUMENT_ID.fullmatch(model_id):
        raise BundleError(f"{path} does not name its model by a plain id; it was not imported.")
    if not isinstance(documents, dict) or not all(isinstance(d, dict) for d in documents.values()):
        raise BundleError(f"{path} holds no model documents; it was not imported.")
    model_path = ModelDocuments.model_path(model_id)
    try:
        expected = {
            model_path,
            *referenced_paths(documents.get(model_path), f"{path}: {model_path}"),
        }
    except OnpointError as exc:
        raise BundleError(f"{exc} The model pack was not imported.") from None
    if set(documents) != expected:
        odd = sorted(set(documents) ^ expected)
        raise BundleError(
            f"{path} does not hold exactly the documents its model names ({', '.join(odd)}); "
            "it was not imported."
        )
    return ModelDocuments(model_id, documents, str(path)), pack.signer


def import_model_pack(
    ws: Workspace, path: Path, trusted: keys.HQPublicKey | None = None
) -> tuple[ScoringModel, bool]:
    """Install the model of a signed model pack in an open workspace (one transaction);
    returns the model and whether it was new here."""
    docs, signer = read_model_pack(path, trusted)
    try:
        return ws.install_model(docs, published_by=signer)
    except OnpointError as exc:
        raise BundleError(f"{exc} The model pack was not imported.") from None
