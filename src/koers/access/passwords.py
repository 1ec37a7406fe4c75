"""Password hashing for local accounts: argon2id through argon2-cffi, nothing home-made.

The hash string carries its own parameters, so raising them later (a newer argon2-cffi, or
:data:`HASHER` tuned here) upgrades each account at its next successful log-in
(:func:`verify`). Unknown users are checked against :func:`dummy_hash`, so a log-in with a
wrong name costs as much time as one with a wrong password and does not reveal which names
exist.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; this only bounds the work one request can cause.

#: argon2-cffi's defaults are RFC 9106's low-memory profile; the type is pinned to argon2id.
HASHER = PasswordHasher(type=Type.ID)


class WeakPassword(ValueError):
    """A new password that Koers refuses; the message is Dutch and shown to the user."""


def check_new_password(password: str) -> None:
    """Refuses passwords too short to resist guessing once the hash has leaked."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            f"het wachtwoord is te kort: gebruik minstens {MIN_LENGTH} tekens "
            "(een zin van een paar woorden werkt goed)"
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"het wachtwoord is te lang: hoogstens {MAX_LENGTH} tekens")
    if password.strip() != password:
        raise WeakPassword("het wachtwoord mag niet met een spatie beginnen of eindigen")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@dataclass(frozen=True)
class Verified:
    """The outcome of a check; ``new_hash`` is set when the stored hash should be replaced."""

    ok: bool
    new_hash: str | None = None


def verify(stored_hash: str, password: str) -> Verified:
    """Checks a password in constant time; a damaged hash counts as a wrong password."""
    if len(password) > MAX_LENGTH:
        burn_time(password)
        return Verified(ok=False)
    try:
        HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return Verified(ok=False)
    if HASHER.check_needs_rehash(stored_hash):
        return Verified(ok=True, new_hash=HASHER.hash(password))
    return Verified(ok=True)


def burn_time(password: str) -> None:
    """Spends a real verification on a dummy hash: the path for unknown or locked accounts."""
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        HASHER.verify(dummy_hash(), password[:MAX_LENGTH])


@cache
def dummy_hash() -> str:
    # Made once per process with the current parameters, so its cost matches real hashes.
    return HASHER.hash("koers-dummy-wachtwoord-dat-nooit-klopt")
