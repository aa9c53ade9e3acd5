"""What `make test-scale` checks after the load: no 5xx, no lost update, every uploaded object
present with its hash, the audit chain intact; and a summary of the records to compare a
restored copy with.

Usage (with the app's settings in the environment):
  python -m tests.scale.checks verify PLAN.json LOG.jsonl   exit 1 naming every problem
  python -m tests.scale.checks summary OUT.json             counts, fingerprints, object hashes
"""

import hashlib
import io
import json
import sys
from collections import defaultdict
from pathlib import Path

import django


def read_log(path: Path) -> dict[str, list[dict]]:
    entries = defaultdict(list)
    for line in path.read_text().splitlines():
        if line.strip():
            entry = json.loads(line)
            entries[entry["kind"]].append(entry)
    return entries


def object_sha256(name: str) -> str | None:
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(name, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except FileNotFoundError:
        return None


def lost_updates(attempts: list[dict], accepted: set[str]) -> list[str]:
    """Every accepted save is in the database: no two accepted saves of one answer were based on
    the same version (one would have overwritten the other unseen), and each answer holds the
    text of the accepted save with the highest base version, or of a save whose answer the
    client never heard (sent as the run stopped), at the version after it."""
    from safeguards.reviews.models import Answer

    by_answer = defaultdict(list)
    for attempt in attempts:
        for prefix, version in attempt["versions"].items():
            pk = int(prefix.removeprefix("a"))
            by_answer[pk].append((int(version), attempt["token"], attempt["token"] in accepted))
    problems = []
    stored = {a.pk: a for a in Answer.objects.filter(pk__in=by_answer).only("version", "rationale")}
    for pk, saves in sorted(by_answer.items()):
        bases = [version for version, _, ok in saves if ok]
        if len(set(bases)) != len(bases):
            problems.append(f"answer {pk}: two accepted saves were based on the same version")
        if not bases:
            continue
        answer = stored[pk]
        holder = next((s for s in saves if answer.rationale == f"Saved by {s[1]}."), None)
        if holder is None or answer.version != holder[0] + 1 or holder[0] < max(bases):
            problems.append(
                f"answer {pk}: holds version {answer.version} {answer.rationale!r}, but the "
                f"last accepted save was based on version {max(bases)}"
            )
    return problems


def verify(plan_path: Path, log_path: Path) -> list[str]:
    from django.core.management import call_command

    from safeguards.audit.models import Event
    from safeguards.reports.models import ReportVersion
    from safeguards.reviews.models import Assessment, Evidence

    plan, log = json.loads(plan_path.read_text()), read_log(log_path)
    problems = [f"{e['method']} {e['name']} answered {e['status']}" for e in log["5xx"]]
    problems += [
        f"two saves of {e['path']} at once were both accepted" for e in log["both accepted"]
    ]
    accepted = {entry["token"] for entry in log["save"]}
    answered = accepted | {entry["token"] for entry in log["conflict"]}
    problems += lost_updates(log["attempt"], accepted)
    reviewers = plan["people"]["reviewer"]
    events = Event.objects.filter(action="answer.updated", actor_username__in=reviewers).count()
    saved = sum(len(a["versions"]) for a in log["attempt"] if a["token"] in accepted)
    in_doubt = sum(len(a["versions"]) for a in log["attempt"] if a["token"] not in answered)
    if not saved <= events <= saved + in_doubt:
        problems.append(
            f"{saved} answers saved by accepted saves ({in_doubt} in doubt), "
            f"but {events} audit events"
        )
    uploads = {entry["evidence"]: entry["sha256"] for entry in log["upload"]}
    rows = {e.pk: e for e in Evidence.objects.filter(pk__in=uploads)}
    for pk, digest in sorted(uploads.items()):
        if pk not in rows:
            problems.append(f"evidence {pk} was accepted but has no row")
        elif rows[pk].file_sha256 != digest:
            problems.append(f"evidence {pk}: row hash {rows[pk].file_sha256} != uploaded {digest}")
    for evidence in Evidence.objects.exclude(file=""):
        if object_sha256(evidence.file.name) != evidence.file_sha256:
            problems.append(
                f"evidence {evidence.pk}: object {evidence.file.name} missing or altered"
            )
    for pk in plan["in_review"]:
        versions = ReportVersion.objects.filter(assessment_id=pk).count()
        status = Assessment.objects.get(pk=pk).status
        if versions > 1 or (versions == 1) != (status == "approved"):
            problems.append(f"assessment {pk}: status {status} with {versions} report versions")
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except (SystemExit, Exception) as error:
        problems.append(f"verify_audit failed: {out.getvalue()} {error}")
    counts = {
        "accepted saves": len(log["save"]),
        "refused as conflicts": len(log["conflict"]),
        "answers saved": saved,
        "in doubt": len(log["attempt"]) - len(answered),
        "uploads": len(uploads),
        "approved": Assessment.objects.filter(pk__in=plan["in_review"], status="approved").count(),
        "server errors": len(log["5xx"]),
    }
    print("checked: " + ", ".join(f"{value} {name}" for name, value in counts.items()))
    print(out.getvalue().strip())
    return problems


def summary() -> dict:
    from safeguards.audit.models import ChainHead
    from safeguards.backups.archive import backed_up_models
    from safeguards.reports.models import ReportVersion
    from safeguards.reviews.models import Evidence

    head = ChainHead.objects.order_by("pk").values().first()
    return {
        "counts": {m._meta.label_lower: m._default_manager.count() for m in backed_up_models()},
        "reports": sorted(ReportVersion.objects.values_list("fingerprint", "pdf_sha256")),
        "objects": sorted(
            (e.file.name, e.file_sha256, object_sha256(e.file.name))
            for e in Evidence.objects.exclude(file="")
        ),
        "chain_head": {k: str(v) for k, v in (head or {}).items() if k != "id"},
    }


def main(argv: list[str]) -> int:
    django.setup()
    if argv[:1] == ["verify"] and len(argv) == 3:
        problems = verify(Path(argv[1]), Path(argv[2]))
        for problem in problems:
            print(f"PROBLEM: {problem}")
        return 1 if problems else 0
    if argv[:1] == ["summary"] and len(argv) == 2:
        Path(argv[1]).write_text(json.dumps(summary(), indent=1, sort_keys=True))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
