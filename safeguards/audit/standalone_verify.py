"""Re-verify an exported audit chain with the Python standard library alone (no Django).

    python manage.py export_audit -o audit.jsonl
    python safeguards/audit/standalone_verify.py audit.jsonl

The `verify` function is the one printed in docs/audit.md; a test checks they are the same.
"""

import hashlib
import json
import sys


def verify(lines):
    prev, count = "0" * 64, 0
    for count, line in enumerate(lines, start=1):
        event = json.loads(line)
        stored, link = event.pop("hash"), event.pop("prev_hash")
        if event["seq"] != count:
            return f"event {count}: missing or out of place (found seq {event['seq']})"
        if link != prev:
            return f"event {count}: prev_hash is not the hash of event {count - 1}"
        canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if hashlib.sha256((link + canonical).encode()).hexdigest() != stored:
            return f"event {count}: hash does not match its content"
        prev = stored
    return f"OK: {count} events, head {prev}"


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as export:
        result = verify(export)
    print(result)
    sys.exit(0 if result.startswith("OK") else 1)
