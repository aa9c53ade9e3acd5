"""The audit chain's hash recipe (docs/audit.md), pure: no database, no Django.

hash(event) = SHA-256( previous hash as 64 lowercase hex characters, ASCII
                      || canonical JSON of the event's fields )
The first event's previous hash is GENESIS (64 zeros).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from safeguards.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64

# The event fields covered by the hash, in the order docs/audit.md lists them.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "office_id",
    "action",
    "target_type",
    "target_id",
    "assessment_id",
    "before",
    "after",
)


class CanonicalEncoder(json.JSONEncoder):
    """Writes JSON in canonical form (whatever a caller asks), so that stored JSON text is
    byte for byte the text that was hashed and the verifier can use it without re-encoding."""

    def __init__(self, **kwargs):
        kwargs.update(sort_keys=True, separators=(",", ":"), ensure_ascii=False, indent=None)
        super().__init__(**kwargs)


def format_time(moment: datetime) -> str:
    """UTC, microseconds, a trailing Z: '2026-11-26T14:43:12.123456Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    # A valid previous hash is ASCII, where UTF-8 is the same bytes; UTF-8 lets a tampered,
    # non-ASCII value simply fail to match instead of raising.
    return sha256_hex(prev_hash.encode() + canonical_json(fields))


@dataclass(frozen=True)
class Break:
    """The first place where the stored chain disagrees with its recomputation."""

    seq: int
    problem: str


def walk(
    checked: Iterable[tuple[int, str, str, bool]], start_seq: int = 1, start_hash: str = GENESIS
) -> tuple[int, str, Break | None]:
    """Walk (seq, prev_hash, hash, content matches hash) in sequence order.

    Returns (events checked, head hash, first break or None).
    """
    expected_seq, expected_prev, count = start_seq, start_hash, 0
    for seq, prev_hash, stored_hash, content_ok in checked:
        if seq != expected_seq:
            problem = (
                f"sequence jumps from {expected_seq - 1} to {seq}: "
                f"event {expected_seq} is missing or out of place"
            )
            return count, expected_prev, Break(expected_seq, problem)
        if prev_hash != expected_prev:
            problem = "its previous-hash link does not match the hash of the event before it"
            return count, expected_prev, Break(seq, problem)
        if not content_ok:
            problem = "its stored hash does not match its content (a field was changed)"
            return count, expected_prev, Break(seq, problem)
        expected_seq, expected_prev, count = seq + 1, stored_hash, count + 1
    return count, expected_prev, None


def find_break(
    events: Iterable[tuple[dict[str, Any], str, str]], start_seq: int = 1, start_hash: str = GENESIS
) -> tuple[int, str, Break | None]:
    """Walk (fields, prev_hash, hash) triples in sequence order; see `walk`."""
    checked = ((f["seq"], p, h, event_hash(p, f) == h) for f, p, h in events)
    return walk(checked, start_seq, start_hash)
