"""The load test's figures for the target's "page views and saves", whole run and settled."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def scale_run():
    spec = importlib.util.spec_from_file_location("scale_run", ROOT / "scripts" / "scale_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sign_ins_and_approvals_are_left_out_and_the_first_30_s_set_apart(tmp_path):
    times = tmp_path / "times.tsv"
    lines = ["100.000\tlogin\t2400.0", "100.500\tapprove\t9000.0"]
    lines += [f"{100 + n / 10:.3f}\tcategory page\t900.0" for n in range(100)]  # first 10 s
    lines += [f"{140 + n / 10:.3f}\toverview\t{n + 1:.1f}" for n in range(100)]  # from 40 s
    times.write_text("\n".join(lines) + "\n")
    figures = scale_run().pages_and_saves(times)
    assert figures["whole run"] == {"requests": 200, "p50": 100.0, "p95": 900.0, "p99": 900.0}
    assert figures["from 30 s on"] == {"requests": 100, "p50": 50.0, "p95": 95.0, "p99": 99.0}
