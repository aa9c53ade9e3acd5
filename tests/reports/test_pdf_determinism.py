"""The same report makes the same PDF bytes in any process, at any time (no clock inside)."""

import time

import pytest

from safeguards.reports import pdf
from tests.child import run_on_sqlite_file

from .samples import sample_report

# Renders the sample report in a fresh interpreter and writes the PDF to argv[1].
CHILD = """
import os, sys
import django
django.setup()
from tests.reports.samples import sample_report
from safeguards.reports import pdf
data = sample_report(categories=2, per_category=3).as_dict()
with open(sys.argv[1], "wb") as out:
    out.write(pdf.render_pdf(data))
"""


def render_in_a_fresh_process(tmp_path, name: str, **env) -> bytes:
    output = tmp_path / f"{name}.pdf"
    result = run_on_sqlite_file(["-c", CHILD, str(output)], tmp_path / name, env=env)
    assert result.returncode == 0, result.stderr
    return output.read_bytes()


def test_a_report_without_generated_at_cannot_be_rendered():
    data = sample_report(categories=1, per_category=2).as_dict()
    data["generated_at"] = ""
    with pytest.raises(ValueError, match="generated_at"):
        pdf.render_pdf(data)


def test_two_fresh_processes_a_second_apart_make_the_same_bytes(tmp_path):
    first = render_in_a_fresh_process(tmp_path, "first")
    time.sleep(1.1)  # a clock inside the PDF would now show
    second = render_in_a_fresh_process(tmp_path, "second")
    assert first.startswith(b"%PDF")
    assert first == second


def test_a_fresh_process_makes_the_bytes_this_process_makes(tmp_path):
    here = pdf.render_pdf(sample_report(categories=2, per_category=3).as_dict())
    assert render_in_a_fresh_process(tmp_path, "child") == here
