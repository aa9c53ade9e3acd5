"""scripts/system-packages.sh: what `make test` runs first. Fake `dpkg-query`, `id` and `apt-get`
on PATH make a machine where the packages are missing, as root or not."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system-packages.sh"
PACKAGES = ["chromium", "redis-server"]


@pytest.fixture
def bare_machine(tmp_path):
    """A PATH on which no package is installed; apt-get records what it was asked."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt-get.log"
    tools = {
        "dpkg-query": "#!/bin/sh\nexit 1\n",
        "apt-get": f'#!/bin/sh\necho "$@" >> "{log}"\n',
    }
    for name, body in tools.items():
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)

    def run(*args, uid: int):
        (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
        (bin_dir / "id").chmod(0o755)
        env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
        result = subprocess.run(
            ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=30
        )
        asked = log.read_text().splitlines() if log.exists() else []
        return result, asked

    return run


def test_not_root_stops_at_once_with_the_one_command_to_run(bare_machine):
    result, asked = bare_machine(uid=1000)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "The tests need Debian packages that are missing; run once: "
        f"sudo apt-get install -y {' '.join(PACKAGES)}"
    ]
    assert asked == []


def test_root_installs_exactly_what_is_missing(bare_machine):
    result, asked = bare_machine(uid=0)
    assert result.returncode == 0, result.stderr
    assert asked[0] == "update -qq"
    assert asked[1].split()[-len(PACKAGES) :] == PACKAGES


def test_check_names_what_is_missing_and_installs_nothing(bare_machine):
    result, asked = bare_machine("--check", uid=0)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Missing system packages: {' '.join(PACKAGES)}"
    assert asked == []


def test_make_test_and_ci_use_this_one_script():
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/system-packages.sh" in makefile
    assert "test: install system-packages" in makefile
    assert "e2e: install system-packages" in makefile
    assert "bash scripts/system-packages.sh --check" in (ROOT / ".ci" / "run").read_text()
