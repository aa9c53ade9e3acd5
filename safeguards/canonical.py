"""Canonical JSON and SHA-256: the one encoding every fingerprint and audit hash is made from.

Canonical means: keys sorted, no spaces, UTF-8 without escaping (DESIGN.md section 6), so the
same content always gives the same bytes, on any database and any run.
"""

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(value: Any) -> str:
    return sha256_hex(canonical_json(value))
