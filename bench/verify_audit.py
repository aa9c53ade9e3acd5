"""`manage.py verify_audit` on 1,000,000 events: events verified per second.

Target: ≥ 200,000 events per second. Fills the chain up to BENCH_EVENTS first if it is shorter.
"""

import io
import os
import sys
import time

from common import MISSED, header, line, setup

EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
RUNS = 3


def main() -> int:
    setup()
    from django.core.management import call_command

    from safeguards.audit.models import Event

    header("verify_audit")
    missing = EVENTS - Event.objects.count()
    if missing > 0:
        print(f"appending {missing} events first (generate_load_data)...", flush=True)
        call_command("generate_load_data", deployments=0, assessments=0, events=missing)
    count = Event.objects.count()
    samples, output = [], ""
    for _ in range(RUNS):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("verify_audit", stdout=out)  # raises CommandError on a broken chain
        samples.append(time.perf_counter() - started)
        output = out.getvalue().strip()
    print(output)
    line(f"manage.py verify_audit over {count} events", samples, unit="s")
    rates = sorted(count / seconds for seconds in samples)
    rate = rates[len(rates) // 2]
    print(
        f"events per second: median {rate:,.0f} (min {rates[0]:,.0f}, max {rates[-1]:,.0f}, "
        f"N {len(rates)})"
    )
    if rate < 200_000:
        print(f"  MISSED: target ≥ 200,000 events/s, by {200_000 - rate:,.0f} events/s")
        return MISSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
