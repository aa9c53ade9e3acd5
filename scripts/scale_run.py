"""`make test-scale`: the app under load on real engines, then the checks (tests/scale/).

  --mode two     two gunicorn instances on one PostgreSQL (DATABASE_URL, set by
                 scripts/test-postgres.sh) and one SeaweedFS S3 server, a shared cache
                 (--cache redis: a redis-server of its own, the default; --cache db: Django's
                 database cache in PostgreSQL)
  --mode single  the `make run` default: SQLite and files on disk, one gunicorn

Everything runs on 127.0.0.1 as this script's own processes, and everything it started is
stopped when it ends, also on failure or Ctrl-C. Exit 0 only if every check passed.
"""

import argparse
import csv
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.scale import redis_server, seaweed  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
# As `make run`: no kept-alive connections, so each request goes to whichever worker process
# is free. A kept connection stays with the process that accepted it: with `--keep-alive 75`
# one of the two workers took 78 % of the requests (its GIL saturated, the other idle).
GUNICORN_ARGS = ["--threads", "4", "--keep-alive", "0"]
# Worker processes per instance: as many as the cores it has. `make run` has the machine's two;
# the two instances share them, so each has one. (Two each, alternated with one each, measured a
# little worse: p95 of page views and saves 526 and 732 ms against 501 and 560, 23.8 and 25.1 ms
# of app CPU a request against 22.4 and 22.3; docs/benchmarks.md.)
WORKERS = {"single": 2, "two": 1}
ROWS = ("category page", "category save", "colliding save", "evidence upload", "overview",
        "report page", "frozen PDF", "approve")  # fmt: skip


class Failed(Exception):
    pass


def run(args: list[str], env: dict, log: Path | None = None, timeout: int = 600) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if log is not None:
        log.write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise Failed(f"{' '.join(args[:4])} exited {result.returncode}:\n{result.stderr[-3000:]}")
    return result.stdout


def manage(*args: str, env: dict, timeout: int = 600) -> str:
    return run([PY, "manage.py", *args], env, timeout=timeout)


def start_gunicorn(port: int, workers: int, env: dict, logs: Path) -> subprocess.Popen:
    log = (logs / f"gunicorn-{port}.log").open("wb")
    bind = ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "safeguards.wsgi", *bind, *GUNICORN_ARGS],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise Failed(f"gunicorn for {url} exited {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise Failed(f"{url} did not answer within {timeout} s")
        time.sleep(0.3)


def proc_stats():
    """(command name, the stat fields after it) of every live process, from /proc."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        yield text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")", 1)[1].split()


def session_cpu_seconds(session: int) -> float:
    """CPU time so far of every live process in a session (a gunicorn and all its workers)."""
    ticks = sum(
        int(fields[11]) + int(fields[12])  # utime, stime
        for _, fields in proc_stats()
        if int(fields[3]) == session  # field 6 of stat: the session id
    )
    return ticks / os.sysconf("SC_CLK_TCK")


def named_cpu_seconds(name: str) -> float:
    """CPU time so far of the machine's processes called `name`: for "postgres", the server and
    its backends, and the backends that have ended (counted in the server's children's time).
    Another PostgreSQL server running at the same time would be counted too."""
    ticks = sum(
        sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
        for command, fields in proc_stats()
        if command == name
    )
    return ticks / os.sysconf("SC_CLK_TCK")


def figures(stats_csv: Path) -> list[dict]:
    with stats_csv.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    table = []
    for name in (*ROWS, "Aggregated"):
        row = rows.get(name)
        if row and int(row["Request Count"]):
            table.append(
                {
                    "name": name,
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"]),
                    "p95": float(row["95%"]),
                    "p99": float(row["99%"]),
                }
            )
    return table


# The target's "page views and saves": all but the sign-ins and the approvals.
NOT_PAGES = ("login", "login page", "approval confirmation", "approve")
SETTLED_AFTER = 30  # seconds: logins, the approvals' renders and each process's first pages


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)]

    return {"requests": len(ordered), "p50": rank(0.5), "p95": rank(0.95), "p99": rank(0.99)}


def pages_and_saves(times_file: Path) -> dict:
    """Response-time percentiles of page views and saves over the whole run and once settled."""
    rows = []
    for line in times_file.read_text().splitlines():
        start, name, took = line.split("\t")
        if name not in NOT_PAGES:
            rows.append((float(start), float(took)))
    if not rows:
        return {}
    first = min(start for start, _ in rows)
    settled = [took for start, took in rows if start >= first + SETTLED_AFTER]
    figures = {"whole run": percentiles([took for _, took in rows])}
    if settled:
        figures[f"from {SETTLED_AFTER} s on"] = percentiles(settled)
    return figures


def print_table(table: list[dict], title: str) -> None:
    print(f"\n{title}")
    heads = ("count", "errors", "req/s", "p50", "p95", "p99")
    print(f"  {'request':<16} " + " ".join(f"{head:>6}" for head in heads))
    for row in table:
        print(
            f"  {row['name']:<16} {row['requests']:>6} {row['failures']:>6} {row['rps']:>6.1f} "
            f"{row['p50']:>6.0f} {row['p95']:>6.0f} {row['p99']:>6.0f}"
        )


def restore_target(mode: str, env: dict, work: Path, s3) -> dict:
    """An empty database (and bucket, or folder) to restore the backup into."""
    target = {**env, "SAFEGUARDS_DATA_DIR": str(work / "restored")}
    if mode == "two":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            connection.execute("CREATE DATABASE restored")
        parts = urlsplit(env["DATABASE_URL"])
        target["DATABASE_URL"] = urlunsplit(parts._replace(path="/restored"))
        s3.create_bucket("restored")
        target.update(s3.env("restored"))
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("two", "single"), default="two")
    parser.add_argument("--cache", choices=("redis", "db"), default="redis")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="45s")
    parser.add_argument("--tasks", type=int, default=40, help="tasks per user at most")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers per instance (single: 2, two: 1 each)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--json", help="write the figures here as JSON")
    parser.add_argument(
        "--timing",
        action="store_true",
        help="also print each request kind's CPU and wall time in the app (bench/gunicorn_timing)",
    )
    options = parser.parse_args()
    if options.mode == "two" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("--mode two needs DATABASE_URL of a PostgreSQL database (scripts/test-scale.sh).")
        return 2

    work = Path(tempfile.mkdtemp(prefix="safeguards-scale-"))
    processes: list[subprocess.Popen] = []
    s3 = cache_server = None
    started = time.monotonic()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safeguards.settings",
        "SAFEGUARDS_DATA_DIR": str(work / "data"),
        "SAFEGUARDS_SECRET_KEY": "scale-test-" + os.urandom(16).hex(),
        "SAFEGUARDS_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    if options.mode == "single":
        env.pop("DATABASE_URL", None)
        for name in list(env):
            if name.startswith(("SAFEGUARDS_EVIDENCE_S3_", "SAFEGUARDS_CACHE_URL")):
                env.pop(name)
    try:
        if options.mode == "two":
            s3 = seaweed.start(work / "seaweedfs")
            s3.create_bucket("evidence")
            env.update(s3.env("evidence"))
            print(f"SeaweedFS S3 on {s3.endpoint} ({time.monotonic() - started:.0f} s)")
            if options.cache == "redis":
                (work / "redis").mkdir()
                cache_server = redis_server.start(work / "redis")
                env["SAFEGUARDS_CACHE_URL"] = cache_server.url
            else:
                env["SAFEGUARDS_CACHE_URL"] = "db://safeguards_cache"
            print(f"shared cache: {env['SAFEGUARDS_CACHE_URL']}")
        manage("migrate", "--noinput", env=env)
        manage("createcachetable", env=env)
        plan_path, log_path = work / "plan.json", work / "requests.jsonl"
        times_path = work / "times.tsv"
        run([PY, "-m", "tests.scale.seed", str(plan_path)], env)
        print(f"migrated and seeded ({time.monotonic() - started:.0f} s)")
        log_path.touch()
        if options.timing:
            env["SAFEGUARDS_TIMING_DIR"] = str(work / "timing")
            (work / "timing").mkdir()
            env["GUNICORN_CMD_ARGS"] = f"--config {ROOT / 'bench' / 'gunicorn_timing.py'}"
        instances = 2 if options.mode == "two" else 1
        ports = [seaweed.free_port() for _ in range(instances)]
        for port in ports:
            processes.append(
                start_gunicorn(port, options.workers or WORKERS[options.mode], env, work)
            )
        hosts = [f"http://127.0.0.1:{port}" for port in ports]
        for host, process in zip(hosts, processes, strict=True):
            wait_until_up(host, process)
        print(f"{instances} gunicorn instance(s): {', '.join(hosts)}")
        cpu_before = sum(session_cpu_seconds(p.pid) for p in processes)
        database_before = named_cpu_seconds("postgres")
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_before = os.getloadavg()
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                "tests/scale/locustfile.py",
                "--headless",
                "--users",
                str(options.users),
                "--spawn-rate",
                str(options.spawn_rate),
                "--run-time",
                options.run_time,
                "--stop-timeout",
                "20",
                "--host",
                hosts[0],
                "--csv",
                str(work / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],  # fmt: skip
            cwd=ROOT,
            env={
                **env,
                "SCALE_HOSTS": ",".join(hosts),
                "SCALE_PLAN": str(plan_path),
                "SCALE_LOG": str(log_path),
                "SCALE_TIMES": str(times_path),
                "SCALE_TASKS": str(options.tasks),
            },
            capture_output=True,
            text=True,
            timeout=600,
        )
        (work / "locust.log").write_text(locust.stdout + locust.stderr)
        print(f"locust done ({time.monotonic() - started:.0f} s)")
        cpu = sum(session_cpu_seconds(p.pid) for p in processes) - cpu_before
        database_cpu = named_cpu_seconds("postgres") - database_before
        # locust is the only child waited for in between: its CPU, on the same two cores
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust_cpu = sum(
            getattr(children, f) - getattr(children_before, f) for f in ("ru_utime", "ru_stime")
        )
        load_after = os.getloadavg()
        for process in processes:
            seaweed.stop_process(process, grace=20)
        table = figures(work / "locust_stats.csv")
        title = (
            f"two gunicorn instances, PostgreSQL, SeaweedFS S3, shared cache ({options.cache})"
            if options.mode == "two"
            else "one gunicorn, SQLite, files on disk (make run)"
        )
        print_table(table, f"{title}; {options.users} users; times in ms")
        pages = pages_and_saves(times_path) if times_path.exists() else {}
        for span, row in pages.items():
            print(
                f"  page views and saves (all but sign-ins and approvals), {span}: "
                f"{row['requests']} requests, p50 {row['p50']:.0f}, p95 {row['p95']:.0f}, "
                f"p99 {row['p99']:.0f}"
            )
        if options.timing:
            from bench import gunicorn_timing

            gunicorn_timing.print_summary(gunicorn_timing.summary(work / "timing"))
        total = next((row for row in table if row["name"] == "Aggregated"), None)
        if total:
            print(
                f"  app CPU: {cpu:.1f} s for {total['requests']} requests = "
                f"{1000 * cpu / total['requests']:.1f} ms per request; load average "
                f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
            )
            print(
                f"  locust CPU: {locust_cpu:.1f} s = "
                f"{1000 * locust_cpu / total['requests']:.1f} ms per request"
            )
            if options.mode == "two":
                print(
                    f"  PostgreSQL CPU: {database_cpu:.1f} s = "
                    f"{1000 * database_cpu / total['requests']:.1f} ms per request"
                )
        if options.json:
            Path(options.json).write_text(
                json.dumps(
                    {
                        "mode": options.mode,
                        "users": options.users,
                        "rows": table,
                        "pages_and_saves": pages,
                        "app_cpu_seconds": cpu,
                        "locust_cpu_seconds": locust_cpu,
                        "postgresql_cpu_seconds": database_cpu if options.mode == "two" else None,
                        "load_before": load_before,
                        "load_after": load_after,
                    },
                    indent=1,
                )  # fmt: skip
            )
        problems = []
        if locust.returncode != 0:
            problems.append(f"locust exited {locust.returncode}: {locust.stderr[-2000:]}")
        if not total or total["requests"] < 50:
            problems.append("the scenario made too few requests to prove anything")
        check = subprocess.run(
            [PY, "-m", "tests.scale.checks", "verify", str(plan_path), str(log_path)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        print(check.stdout.strip())
        if check.returncode != 0:
            problems.append(f"checks failed {check.stderr[-2000:]}")

        archive = work / "backup.zip"
        manage("backup", str(archive), env=env)
        run([PY, "-m", "tests.scale.checks", "summary", str(work / "before.json")], env)
        target = restore_target(options.mode, env, work, s3)
        manage("migrate", "--noinput", env=target)
        manage("restore", str(archive), env=target)
        run([PY, "-m", "tests.scale.checks", "summary", str(work / "after.json")], target)
        before = json.loads((work / "before.json").read_text())
        after = json.loads((work / "after.json").read_text())
        if before != after:
            problems.append("the restored copy differs from the original (see before/after.json)")
        else:
            print(
                f"backup -> restore: {sum(before['counts'].values())} records, "
                f"{len(before['objects'])} objects and {len(before['reports'])} frozen reports "
                f"round-trip with their hashes ({archive.stat().st_size // 1024} KiB archive)"
            )
        for problem in problems:
            print(f"FAILED: {problem}")
        print(f"test-scale ({options.mode}): {'FAILED' if problems else 'passed'} "
              f"in {time.monotonic() - started:.0f} s")  # fmt: skip
        return 1 if problems else 0
    except Failed as error:
        print(f"FAILED: {error}")
        return 1
    finally:
        for process in processes:
            seaweed.stop_process(process, grace=5)
        if s3 is not None:
            s3.stop()
        if cache_server is not None:
            cache_server.stop()
        if options.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
