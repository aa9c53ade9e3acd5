"""Benchmark harness: a throwaway data folder, timing, query counts, gunicorn, a load loop.

Every script calls `setup()` first. Without SAFEGUARDS_DATA_DIR set, it makes a temporary data
folder and migrates it, so nothing touches var/. `bench/run_all.sh` sets one folder for all
scripts, filled once with the large data set.
"""

import contextlib
import http.client
import os
import platform
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.settings"
# Exit status of a script whose figures miss their target (1 stays "the script failed").
MISSED = 3


def setup() -> Path:
    """Configure Django on the project's settings against a data folder outside var/; migrate."""
    if not os.environ.get("SAFEGUARDS_DATA_DIR"):
        os.environ["SAFEGUARDS_DATA_DIR"] = tempfile.mkdtemp(prefix="safeguards-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return Path(os.environ["SAFEGUARDS_DATA_DIR"])


def environment() -> str:
    import django
    from django.db import connection

    if connection.vendor == "sqlite":
        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
    return (
        f"environment: Python {platform.python_version()}, Django {django.get_version()}, "
        f"{database}, {os.cpu_count()} cores ({cpu_model()}), {platform.system()} "
        f"{platform.release()}"
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def header(title: str) -> None:
    print(f"== {title}")
    print(environment())
    sys.stdout.flush()


class Samples(list):
    """Wall-clock seconds per run, with this process's CPU seconds per run alongside: on a
    shared machine the CPU time shows what the code costs when other processes take the cores."""

    cpu: list[float]


def timed(
    fn: Callable[[], object], runs: int = 30, warmup: int = 3, before: Callable | None = None
) -> Samples:
    """Seconds per call of `fn`, after `warmup` calls that are not counted; `before`, when
    given, runs ahead of every call, untimed (a save the page then shows, say)."""
    for _ in range(warmup):
        if before:
            before()
        fn()
    samples = Samples()
    samples.cpu = []
    for _ in range(runs):
        if before:
            before()
        cpu = time.process_time()
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
        samples.cpu.append(time.process_time() - cpu)
    return samples


def line(label: str, samples: list[float], unit: str = "ms", **extra) -> dict:
    """Print and return median, min, max and N of samples given in seconds."""
    scale = {"ms": 1000.0, "s": 1.0}[unit]
    figures = {
        "median": statistics.median(samples) * scale,
        "min": min(samples) * scale,
        "max": max(samples) * scale,
        "n": len(samples),
    }
    cpu = getattr(samples, "cpu", None)
    if cpu:
        figures["cpu_median"] = statistics.median(cpu) * scale
        extra = {"CPU median": f"{figures['cpu_median']:.1f} {unit}", **extra}
    more = "".join(f", {key} {value}" for key, value in extra.items())
    print(
        f"{label}: median {figures['median']:.1f} {unit} (min {figures['min']:.1f}, "
        f"max {figures['max']:.1f}, N {figures['n']}){more}"
    )
    sys.stdout.flush()
    return figures


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fn()
    return len(context)


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get_ok(client, url: str, status: int = 200):
    """GET and insist on the expected status: a benchmark of an error page measures nothing."""
    response = client.get(url)
    if response.status_code != status:
        raise SystemExit(f"GET {url} answered {response.status_code}, expected {status}")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def url_exists(name: str, *args) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


# --- a real server on the loopback interface --------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int = 2, threads: int = 4):
    """Serve the app as `make run` does (gunicorn, 2 workers × 4 threads) on 127.0.0.1."""
    port = free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONPATH=str(ROOT))
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "safeguards.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit("gunicorn did not start:\n" + log.read().decode()) from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def load(
    port: int,
    path: str,
    cookie: str,
    *,
    threads: int = 8,
    seconds: float = 5.0,
    max_requests: int = 20_000,
    stop: threading.Event | None = None,
) -> dict:
    """Request `path` from `threads` keep-alive connections for `seconds` (or `max_requests`).

    Returns requests per second, latencies and the count of answers other than 200.
    """
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]
    sent = [0]
    started = time.perf_counter()
    deadline = started + seconds

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline and not (stop and stop.is_set()):
            with lock:
                if sent[0] >= max_requests:
                    break
                sent[0] += 1
            begun = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with lock:
                latencies.append(time.perf_counter() - begun)
                if not ok:
                    failures[0] += 1
        connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "requests": len(latencies),
        "failures": failures[0],
        "seconds": elapsed,
        "latencies": latencies,
    }


def session_cookie(user) -> str:
    """A signed-in session stored in the database, as a Cookie header for a real server."""
    from django.conf import settings

    client = client_for(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
