import os
import stat
import subprocess
import sys
from pathlib import Path

from safeguards.settings import load_or_create_secret_key

ROOT = Path(__file__).resolve().parents[2]


def test_secret_key_is_created_once_owner_only_and_reused(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    assert len(first) >= 50
    assert load_or_create_secret_key(tmp_path) == first


def settings_in_subprocess(env: dict, expression: str) -> str:
    code = (
        f"import django, os; django.setup(); from django.conf import settings; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "safeguards.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_data_dir_holds_generated_key_and_sqlite_database(tmp_path):
    env = {"SAFEGUARDS_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "SAFEGUARDS_SECRET_KEY": ""}
    name = settings_in_subprocess(env, "settings.DATABASES['default']['NAME']")
    assert name == str(tmp_path / "safeguards.sqlite3")
    key = settings_in_subprocess(env, "settings.SECRET_KEY")
    assert key == (tmp_path / "secret_key").read_text()
    assert settings_in_subprocess(env, "settings.SECRET_KEY") == key


def test_database_url_switches_database(tmp_path):
    env = {
        "SAFEGUARDS_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://someone@db.example:5433/safeguards",
    }
    engine = settings_in_subprocess(
        env, "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['PORT']"
    )
    assert engine == "django.db.backends.postgresql 5433"


def test_sqlite_uses_wal_and_immediate_transactions(tmp_path):
    env = {"SAFEGUARDS_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    options = settings_in_subprocess(env, "settings.DATABASES['default']['OPTIONS']")
    assert "'transaction_mode': 'IMMEDIATE'" in options
    assert "journal_mode=WAL" in options
