"""Run Python in a child process on its own SQLite file, for tests that need several processes
or threads writing to one real database (the suite's in-memory SQLite cannot do that)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_on_sqlite_file(args: list[str], data_dir: Path, timeout: int = 240, env=None):
    """`python ARGS` in the checkout, with the project's settings on a database in `data_dir`
    (and `env` on top of this process's environment)."""
    extra = env or {}
    env = {
        **os.environ,
        "SAFEGUARDS_DATA_DIR": str(data_dir),
        "SAFEGUARDS_SECRET_KEY": "test",
        "DJANGO_SETTINGS_MODULE": "safeguards.settings",
        **extra,
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set only for the browser tests' own process
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
