"""Shared pieces of the hostile-input tests: example budgets, hang guards, byte mutations.

Example counts: each property names a modest default budget so the default test run
stays fast; ``HYPOTHESIS_PROFILE=soak`` raises every budget to the soak profile's
``max_examples`` (see ``conftest.py``), e.g.::

    HYPOTHESIS_PROFILE=soak .venv/bin/python -m pytest -q tests/test_hostile_*.py
"""

from __future__ import annotations

import contextlib
import faulthandler
import hashlib
import os
import signal
import sys
from collections.abc import Iterator
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SOAK = os.environ.get("HYPOTHESIS_PROFILE") == "soak"
# A hang: one example (one file read or merged) taking this long. Reading is linear, but
# a mutated file may hold a million lines (about 15 s here), so the limit is generous.
EXAMPLE_SECONDS = 60
MAX_MESSAGE = 2000  # characters: a refusal is a few sentences, whatever the file holds


def check_refusal(message: str, name: str) -> None:
    """A refusal a person can read: it names the file and stays a few sentences long."""
    assert name in message, f"refusal does not name the file: {message[:500]}"
    assert len(message) <= MAX_MESSAGE, f"{len(message):,}-character refusal: {message[:500]}"


def hostile_settings(default_examples: int) -> settings:
    """Settings for one property: ``default_examples`` normally, the soak count in soak."""
    return settings(
        max_examples=settings.default.max_examples if SOAK else default_examples,
        deadline=timedelta(seconds=EXAMPLE_SECONDS / 2),
        # One workspace / HQ store serves every example of a test (each example checks
        # its own before/after), and some mutated files are slow to build on purpose.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
        print_blob=True,
    )


class Hang(AssertionError):
    """An example ran past its time limit: the code under test hangs on this input."""


@contextlib.contextmanager
def time_limit(seconds: float = EXAMPLE_SECONDS) -> Iterator[None]:
    """Guard one example against a hang, twice over.

    After ``seconds`` SIGALRM interrupts the block with :class:`Hang` (a failing example
    Hypothesis shrinks and reports). A hang inside C code that never returns to Python
    cannot be interrupted that way: after three times ``seconds`` faulthandler dumps every
    thread's stack and ends the run rather than letting it wait forever.
    """

    def expire(signum, frame):
        raise Hang(f"no answer after {seconds} s: the reader hangs on this input")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    faulthandler.dump_traceback_later(3 * seconds, exit=True, file=sys.stderr)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- byte-level mutations ------------------------------------------------------------------


class Mutated(bytes):
    """Mutated file content whose repr stays short in Hypothesis' failure reports (the
    example is replayed from the printed blob, not from the repr)."""

    def __new__(cls, blob: bytes, how: str = "") -> Mutated:
        made = super().__new__(cls, blob)
        made.how = how
        return made

    def __repr__(self) -> str:
        digest = hashlib.sha256(self).hexdigest()[:12]
        return f"<{self.how or 'mutated'}: {len(self)} bytes, sha256 {digest}…>"


@st.composite
def byte_flips(draw, blob: bytes) -> bytes:
    """1–8 bytes anywhere replaced by random bytes."""
    out = bytearray(blob)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(out) - 1))
        out[position] = draw(st.integers(0, 255))
    return bytes(out)


@st.composite
def truncations(draw, blob: bytes) -> bytes:
    """The file cut short at a random point (possibly to nothing)."""
    return blob[: draw(st.integers(0, len(blob) - 1))]


@st.composite
def splices(draw, blob: bytes, pieces: list[bytes]) -> bytes:
    """A few ``pieces`` (delimiters, quotes, line breaks...) inserted at random points,
    or bytes of those kinds deleted."""
    out = bytearray(blob)
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()) or not out:
            position = draw(st.integers(0, len(out)))
            out[position:position] = draw(st.sampled_from(pieces))
        else:
            hits = [i for i, b in enumerate(out) if bytes([b]) in pieces]
            if hits:
                del out[draw(st.sampled_from(hits))]
    return bytes(out)
