"""Assessment overview with live scores: requests per second against a bare Django view, both
served by one gunicorn (2 workers × 4 threads, as `make run`) on 127.0.0.1, in one run.

Target: the overview serves ≥ 50 % of the bare view's requests per second.
"""

import statistics
import sys

from common import MISSED, gunicorn, header, load, session_cookie, setup

ROUNDS = 3
SECONDS = 4.0
THREADS = 8


def main() -> int:
    setup()
    import data
    from django.urls import reverse

    header("assessment overview: requests per second vs a bare view")
    office, users = data.office("bench-rps")
    item = data.assessment(office, users, data.framework(None))
    cookie = session_cookie(users["reviewer"])
    urls = {
        "bare view": reverse("bench_bare"),
        "overview": reverse("reviews:assessment", args=[item.pk]),
    }
    rates = {name: [] for name in urls}
    with gunicorn() as port:
        for url in urls.values():
            load(port, url, cookie, threads=THREADS, seconds=1.0)  # warm up every thread
        for _ in range(ROUNDS):
            for name, url in urls.items():
                result = load(port, url, cookie, threads=THREADS, seconds=SECONDS)
                if result["failures"]:
                    raise SystemExit(f"{name}: {result['failures']} answers other than 200")
                rates[name].append(result["rps"])
    for name, values in rates.items():
        print(
            f"{name} ({urls[name]}): median {statistics.median(values):.1f} req/s (min "
            f"{min(values):.1f}, max {max(values):.1f}, N {len(values)} rounds of {SECONDS:.0f} s, "
            f"{THREADS} client threads)"
        )
    ratio = statistics.median(rates["overview"]) / statistics.median(rates["bare view"])
    print(f"overview / bare view: {ratio * 100:.0f} % (target ≥ 50 %)")
    if ratio < 0.5:
        print(f"  MISSED: by {(0.5 - ratio) * 100:.0f} percentage points")
        return MISSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
