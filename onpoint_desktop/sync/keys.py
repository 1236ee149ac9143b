"""Keys: the consultant's signing identity and HQ's encryption key.

Each installation has an Ed25519 *signing key* and a *consultant id* (a UUID), created on
first use in ``paths.data_dir()/keys/`` (folder 0700, files 0600; on Windows the per-user
profile folder already keeps them private). Bundles are signed with it; HQ learns the
public key the first time it merges one of the consultant's bundles.

HQ has two key pairs, made with the HQ store (``onpoint hq init``): an X25519 *encryption
key* (bundles are sealed for it) and an Ed25519 *signing key* (HQ signs what it publishes:
benchmark packs, model packs, calibration cases; see ``signed``). The private keys live
beside the HQ store (``<HQ_DB>.private-key.pem`` and ``<HQ_DB>.signing-key.pem``, 0600);
both public keys are written to one small JSON file (``onpoint-hq-key/2``) that
consultants import once with ``onpoint hq-key import``; it is kept in the per-user config
folder. A file of the first release (``onpoint-hq-key/1``, encryption key only) is still
read, but packs cannot be checked against it. Everything here is done with the
``cryptography`` package.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from onpoint_desktop import paths
from onpoint_desktop.atomic import os_reason, write_atomically
from onpoint_desktop.errors import BundleError, InputError

HQ_KEY_FORMAT = "onpoint-hq-key/2"
HQ_KEY_FORMATS = ("onpoint-hq-key/1", HQ_KEY_FORMAT)  # /1: encryption key only
IDENTITY_FILE = "identity.json"
SIGNING_KEY_FILE = "signing-key.pem"
HQ_PUBLIC_KEY_FILE = "hq-public-key.json"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text: object, what: str, length: int | None = None) -> bytes:
    """Decode base64 text, refusing anything else (or the wrong length) naming ``what``."""
    try:
        raw = base64.b64decode(str(text), validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(f"{what} is not valid base64.") from None
    if length is not None and len(raw) != length:
        raise BundleError(f"{what} has {len(raw)} bytes, expected {length}.")
    return raw


def fingerprint(raw_public_key: bytes) -> str:
    """A short, stable name for a public key: the first 128 bits of its SHA-256, in hex."""
    return hashlib.sha256(raw_public_key).hexdigest()[:32]


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def write_private(path: Path, content: bytes) -> None:
    """Write a secret file readable by its owner only (created 0600, then renamed)."""
    write_atomically(path, content, private=True)


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    return path


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_pem(path: Path, kind: type, what: str):
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise BundleError(f"{what} {path} is missing.") from None
    except (OSError, ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise BundleError(f"{what} {path} cannot be read ({exc}).") from None
    if not isinstance(key, kind):
        raise BundleError(f"{what} {path} is not an {kind.__name__[:-10]} key.")
    return key


# --- the consultant's signing identity ---------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """This installation's signer: consultant id, display name and Ed25519 key."""

    consultant_id: str
    name: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return raw_public(self.private_key.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def keys_dir() -> Path:
    return paths.data_dir() / "keys"


def existing_identity() -> Identity | None:
    """This installation's identity if it has one (never creates it)."""
    folder = keys_dir()
    if not (folder / SIGNING_KEY_FILE).exists() and not (folder / IDENTITY_FILE).exists():
        return None
    return identity()


def identity(name: str | None = None) -> Identity:
    """This installation's identity, created on first use (``name``: display name then;
    default ``$ONPOINT_AUTHOR`` or the user name)."""
    folder = _private_dir(keys_dir())
    key_path, id_path = folder / SIGNING_KEY_FILE, folder / IDENTITY_FILE
    if not key_path.exists() and not id_path.exists():
        from onpoint_desktop.workspace import default_author

        key = Ed25519PrivateKey.generate()
        doc = {"consultant_id": str(uuid.uuid4()), "name": (name or default_author()).strip()}
        write_private(key_path, _pem(key))
        write_private(id_path, json.dumps(doc, indent=2).encode("utf-8"))
    key = _load_pem(key_path, Ed25519PrivateKey, "The signing key")
    try:
        doc = json.loads(id_path.read_text(encoding="utf-8"))
        consultant_id, display = str(uuid.UUID(doc["consultant_id"])), str(doc["name"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BundleError(
            f"The consultant identity {id_path} cannot be read ({exc}); restore it from a "
            "backup of this folder, or move the keys folder away to start a new identity."
        ) from None
    return Identity(consultant_id, display or "consultant", key)


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- HQ's keys -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HQPublicKey:
    """HQ's public keys as consultants hold them: X25519 to seal bundles for HQ, and
    Ed25519 to check what HQ signs (None in a key file of the first release)."""

    raw: bytes
    created_at: str = ""
    signing_key: bytes | None = None

    @property
    def fingerprint(self) -> str:
        """The encryption key's fingerprint (named in sealed bundles)."""
        return fingerprint(self.raw)

    @property
    def signing_fingerprint(self) -> str | None:
        return fingerprint(self.signing_key) if self.signing_key is not None else None

    def describe(self) -> str:
        """Both fingerprints, as shown to people comparing keys."""
        signing = self.signing_fingerprint or "none (an HQ key file of the first release)"
        return f"encryption key {self.fingerprint}, signing key {signing}"

    def key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.raw)

    def to_json(self) -> dict[str, str]:
        doc = {
            "format": HQ_KEY_FORMAT,
            "algorithm": "X25519",
            "public_key": b64(self.raw),
            "fingerprint": self.fingerprint,
            "created_at": self.created_at,
        }
        if self.signing_key is not None:
            doc["signing_algorithm"] = "Ed25519"
            doc["signing_key"] = b64(self.signing_key)
            doc["signing_fingerprint"] = fingerprint(self.signing_key)
        return doc


def hq_private_key_path(hq_db: Path) -> Path:
    return hq_db.with_name(hq_db.name + ".private-key.pem")


def hq_signing_key_path(hq_db: Path) -> Path:
    return hq_db.with_name(hq_db.name + ".signing-key.pem")


def create_hq_key(hq_db: Path, created_at: str) -> HQPublicKey:
    """Make HQ's encryption key pair: the private key beside the store (0600)."""
    key = X25519PrivateKey.generate()
    write_private(hq_private_key_path(hq_db), _pem(key))
    return HQPublicKey(raw_public(key.public_key()), created_at)


def ensure_hq_signing_key(hq_db: Path) -> bytes:
    """HQ's signing key beside the store, made now if there is none (0600); returns its
    raw public key. An existing key file is kept (a migration that failed part-way and
    runs again finds the key it made)."""
    path = hq_signing_key_path(hq_db)
    if not path.exists():
        write_private(path, _pem(Ed25519PrivateKey.generate()))
    return raw_public(load_hq_signing_key(hq_db).public_key())


def load_hq_private_key(hq_db: Path) -> X25519PrivateKey:
    return _load_pem(hq_private_key_path(hq_db), X25519PrivateKey, "The HQ private key")


def load_hq_signing_key(hq_db: Path) -> Ed25519PrivateKey:
    return _load_pem(hq_signing_key_path(hq_db), Ed25519PrivateKey, "The HQ signing key")


def parse_hq_key(text: str, source: str) -> HQPublicKey:
    """Read an ``onpoint-hq-key`` document, refusing anything else with a clear reason."""
    from onpoint_desktop.sync import safe_json

    try:
        doc = safe_json.loads(text)
    except safe_json.UnsafeJSON as exc:
        raise InputError(f"{source} is not an HQ public key file ({exc}).") from None
    if not isinstance(doc, dict) or doc.get("format") not in HQ_KEY_FORMATS:
        raise InputError(
            f"{source} is not an HQ public key file (expected format '{HQ_KEY_FORMAT}'); "
            "ask HQ for the file 'onpoint hq init' wrote."
        )
    try:
        raw = unb64(doc.get("public_key"), f"{source}: public_key", 32)
        signing = doc.get("signing_key")
        signing_raw = None if signing is None else unb64(signing, f"{source}: signing_key", 32)
    except BundleError as exc:
        raise InputError(str(exc)) from None
    key = HQPublicKey(raw, str(doc.get("created_at", "")), signing_raw)
    damaged = doc.get("fingerprint") not in (None, key.fingerprint) or doc.get(
        "signing_fingerprint"
    ) not in (None, key.signing_fingerprint)
    if damaged:
        raise InputError(f"{source}: the fingerprint does not match the key; the file is damaged.")
    return key


class HQKeyChange(InputError):
    """Importing an HQ key file that differs from the trusted one, without ``replace``."""

    def __init__(self, message: str, current: HQPublicKey, offered: HQPublicKey) -> None:
        super().__init__(message)
        self.current = current
        self.offered = offered


def import_hq_key(path: Path, *, replace: bool = False) -> tuple[HQPublicKey, HQPublicKey | None]:
    """Trust HQ's public keys; returns (new key, key it replaced or None).

    A key file that differs from the one already trusted is refused unless ``replace``
    (:class:`HQKeyChange`, naming both); a file that only adds the signing key to the same
    encryption key (HQ's store was upgraded) needs no ``replace``.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} cannot be read: {exc}.") from None
    key = parse_hq_key(text, str(path))
    previous = configured_hq_key()
    if previous is not None and not replace and _changes(previous, key):
        raise HQKeyChange(
            f"{path} holds another HQ key than the one you trust. Trusted: "
            f"{previous.describe()}. In the file: {key.describe()}. Check with HQ that the "
            "new key is theirs, then import it again with --replace.",
            previous,
            key,
        )
    target = paths.config_dir() / HQ_PUBLIC_KEY_FILE
    try:
        write_atomically(target, json.dumps(key.to_json(), indent=2) + "\n")
    except OSError as exc:
        raise InputError(f"Could not save HQ's key to {target}: {os_reason(exc)}.") from None
    return key, previous


def _changes(trusted: HQPublicKey, offered: HQPublicKey) -> bool:
    """Whether trusting ``offered`` replaces something of ``trusted`` (adding a signing key
    to the same encryption key does not)."""
    if offered.raw != trusted.raw:
        return True
    return trusted.signing_key is not None and offered.signing_key != trusted.signing_key


def configured_hq_key() -> HQPublicKey | None:
    """HQ's public key imported with ``hq-key import``, or None when there is none."""
    path = paths.config_dir() / HQ_PUBLIC_KEY_FILE
    if not path.exists():
        return None
    try:
        return parse_hq_key(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} cannot be read: {exc}; import HQ's key again.") from None
