"""`export_audit` writes JSON lines that the documented standalone snippet verifies."""

import datetime
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from safeguards.audit import standalone_verify, triggers
from safeguards.audit.bulk import append_many
from safeguards.audit.chain import HASHED_FIELDS
from safeguards.audit.models import ChainHead
from safeguards.audit.record import record

pytestmark = pytest.mark.django_db

DOC = Path(settings.BASE_DIR) / "docs" / "audit.md"
SCRIPT = Path(standalone_verify.__file__)


@pytest.fixture
def chain(office, alice):
    with transaction.atomic():
        record("office.created", office=office, target=office, after={"name": office.name})
    append_many(
        {
            "action": "answer.updated",
            "actor": alice,
            "office": office,
            "assessment": 4,
            "target_type": "reviews.answer",
            "target_id": n,
            "at": datetime.datetime(2026, 2, 1, 9, 30, n, tzinfo=datetime.UTC),
            "before": {"rationale": f'Ligne {n}\n\t«avant» "q" \\ \u2028', "score": "0.5"},
            "after": {"rationale": f"Line {n} 😀", "evidence": [n, None, True], "n": {}},
        }
        for n in range(20)
    )
    return ChainHead.objects.get()


def export(path=None):
    out = io.StringIO()
    call_command("export_audit", *(["-o", str(path)] if path else []), stdout=out, stderr=out)
    return out.getvalue()


def doc_snippet():
    """The Python block of docs/audit.md, run as an outside auditor would."""
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    namespace = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify"]


def test_export_has_every_hashed_field_and_both_hashes(chain):
    lines = export().splitlines()
    assert len(lines) == 21
    first = json.loads(lines[0])
    assert list(first) == [*HASHED_FIELDS, "prev_hash", "hash"]
    assert first["seq"] == 1 and first["prev_hash"] == "0" * 64
    assert json.loads(lines[-1])["hash"] == chain.hash


def test_documented_snippet_verifies_an_export(chain, tmp_path):
    export(tmp_path / "audit.jsonl")
    with open(tmp_path / "audit.jsonl", encoding="utf-8") as lines:
        assert doc_snippet()(lines) == f"OK: 21 events, head {chain.hash}"


def test_documented_snippet_is_the_shipped_script():
    documented = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    assert documented.split("def verify", 1)[1] in SCRIPT.read_text()


def test_standalone_script_runs_without_django(chain, tmp_path):
    export(tmp_path / "audit.jsonl")
    # -I -S: no site-packages, so no Django to import even by accident
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(SCRIPT), str(tmp_path / "audit.jsonl")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"OK: 21 events, head {chain.hash}"


def test_documented_snippet_names_a_tampered_event(chain, tmp_path):
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET target_id = %s WHERE seq = 7", ["99"])
    lines = export().splitlines()
    assert doc_snippet()(lines) == "event 7: hash does not match its content"
    del lines[3]
    assert doc_snippet()(lines).startswith("event 4: missing or out of place")


def test_export_to_an_unwritable_place_is_a_clear_error(chain, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        export(tmp_path / "missing-folder" / "audit.jsonl")
