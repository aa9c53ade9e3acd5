"""A gunicorn config that records, for every request, the time the app spent on it: wall time
from the moment a worker thread takes it, and that thread's CPU time (work the request hands to
other threads is not in it: Typst's renders, Argon2's lanes at sign-in). One JSON line per request
into $SAFEGUARDS_TIMING_DIR/<worker pid>.jsonl; `summary()` turns the folder into a table by
request kind. Used by `scripts/scale_run.py --timing`, which also reports what the clients saw:
the difference is time spent waiting for a free thread, before the app sees the request.
"""

import json
import os
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path

_log = None


def pre_request(worker, req):
    req.safeguards_started = (time.monotonic(), time.thread_time())


def post_request(worker, req, environ, resp):
    global _log
    if _log is None:
        folder = Path(os.environ["SAFEGUARDS_TIMING_DIR"])
        _log = (folder / f"{os.getpid()}.jsonl").open("a", buffering=1)
    wall, cpu = req.safeguards_started
    line = {
        "method": req.method,
        "path": req.path,
        "status": resp.status_code,
        "wall_ms": round((time.monotonic() - wall) * 1000, 2),
        "cpu_ms": round((time.thread_time() - cpu) * 1000, 2),
        "at": round(time.time(), 3),  # when it was answered
    }
    _log.write(json.dumps(line) + "\n")


def kind(method: str, path: str) -> str:
    """`GET /assessments/N/categories/C/`: numbers and category codes folded."""
    path = re.sub(r"/\d+(?=/|$)", "/N", path)
    return f"{method} {re.sub(r'/categories/[^/]+/', '/categories/C/', path)}"


def summary(folder: Path) -> list[dict]:
    by_kind = defaultdict(list)
    for log in folder.glob("*.jsonl"):
        for line in log.read_text().splitlines():
            row = json.loads(line)
            by_kind[kind(row["method"], row["path"])].append((row["wall_ms"], row["cpu_ms"]))
    table = []
    for name, rows in by_kind.items():
        walls, cpus = sorted(w for w, _ in rows), sorted(c for _, c in rows)
        table.append(
            {
                "kind": name,
                "count": len(rows),
                "cpu_median": statistics.median(cpus),
                "cpu_sum": sum(cpus) / 1000,
                "wall_median": statistics.median(walls),
                "wall_p95": walls[max(0, int(0.95 * len(walls)) - 1)],
            }
        )
    return sorted(table, key=lambda row: -row["cpu_sum"])


def print_summary(table: list[dict]) -> None:
    print("\n  in the app (from a worker thread taking the request to its answer), CPU and wall ms")
    print(
        f"  {'request':<48} {'count':>5} {'CPU med':>8} {'CPU sum s':>9} {'wall med':>8} {'p95':>6}"
    )
    for row in table:
        print(
            f"  {row['kind']:<48} {row['count']:>5} {row['cpu_median']:>8.1f} "
            f"{row['cpu_sum']:>9.1f} {row['wall_median']:>8.0f} {row['wall_p95']:>6.0f}"
        )
