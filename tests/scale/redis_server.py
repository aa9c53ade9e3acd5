"""A throwaway redis-server for tests and the load test: 127.0.0.1, a free port, no
persistence, its folder the caller's; Debian's `redis-server` (scripts/system-packages.sh)."""

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .seaweed import free_port, stop_process

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def available() -> bool:
    return os.access(REDIS_SERVER, os.X_OK)


@dataclass
class RedisServer:
    process: subprocess.Popen
    url: str  # for SAFEGUARDS_CACHE_URL

    def stop(self) -> None:
        stop_process(self.process)


def start(folder: Path, timeout: float = 20) -> RedisServer:
    """Start redis-server in `folder` and wait until it answers PING (stopped again if not)."""
    import redis

    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                client.ping()
                return RedisServer(process, f"redis://127.0.0.1:{port}/0")
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on port {port} did not start") from None
                time.sleep(0.05)
    except BaseException:
        stop_process(process)
        raise
    finally:
        client.close()
