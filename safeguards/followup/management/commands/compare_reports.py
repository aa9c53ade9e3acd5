"""manage.py compare_reports OLD NEW: what changed, and exit 1 when the newer is worse."""

from django.core.management.base import BaseCommand

from safeguards.followup import compare, sources

WORSE, UNUSABLE = 1, 2


class Command(BaseCommand):
    help = (
        "Compare two reports of one deployment (report JSON files, assessment:ID or "
        "version:ASSESSMENT_ID:N). Exits 1 when the newer is worse (a new red-line breach, a "
        "new gap or a lower score), 0 otherwise, 2 when an input cannot be used."
    )

    def add_arguments(self, parser):
        parser.add_argument("old", help="the earlier report")
        parser.add_argument("new", help="the later report")
        parser.add_argument("--json", action="store_true", help="print the comparison as JSON")

    def execute(self, *args, **options):
        # A plain exit code, not CommandError's 1 (which would read as "worse").
        try:
            return super().execute(*args, **options)
        except sources.Unusable as error:
            self.stderr.write(str(error))
            raise SystemExit(UNUSABLE) from None

    def handle(self, *args, **options):
        old = sources.load(options["old"], allow_files=True)
        new = sources.load(options["new"], allow_files=True)
        result = sources.comparison(old, new)
        if options["json"]:
            import json

            self.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        else:
            self._print(result)
        if result.is_worse:
            raise SystemExit(WORSE)

    def _print(self, result: compare.Comparison) -> None:
        out = self.stdout.write
        out(f"Older: {result.old_label}")
        out(f"Newer: {result.new_label}")
        change = result.score_change
        out(
            f"Overall score: {_num(result.old_score)} -> {_num(result.new_score)}"
            + (f" ({change:+g})" if change is not None else "")
        )
        out(f"Verdict: {result.old_verdict} -> {result.new_verdict}")
        if result.new_breaches:
            out("New red-line breaches: " + ", ".join(result.new_breaches))
        if result.ended_breaches:
            out("Red-line breaches ended: " + ", ".join(result.ended_breaches))
        for kind in compare.CHANGES:
            codes = [row.code for row in result.rows if row.kind == kind]
            if codes:
                out(f"{compare.KIND_LABELS[kind]} ({len(codes)}): " + ", ".join(codes))
        for row in result.rows:
            if row.kind in (
                compare.WORSENED,
                compare.IMPROVED,
                compare.NEW_GAP,
                compare.CLOSED_GAP,
            ):
                out(f"  {row.code}: {row.old_status or '—'} -> {row.new_status or '—'}")
        if result.recommendations_opened:
            out("Recommendations opened: " + ", ".join(result.recommendations_opened))
        if result.recommendations_closed:
            out("Recommendations closed: " + ", ".join(result.recommendations_closed))
        reasons = result.worse_reasons
        out("Worse: " + "; ".join(reasons) if reasons else "Not worse.")


def _num(value) -> str:
    return "n/a" if value is None else f"{value:g}"
