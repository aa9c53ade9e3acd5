"""Overview requests per second while draft PDFs are being downloaded, against the same figure
without them, measured side by side in one run on one gunicorn (2 workers × 4 threads).

Target: within 20 % of the figure without PDF downloads. The downloaders clear the draft cache
before every request, so each download is a full render (a draft that keeps changing).
"""

import http.client
import shutil
import statistics
import sys
import threading

from common import MISSED, gunicorn, header, load, session_cookie, setup

ROUNDS = 3
SECONDS = 6.0
THREADS = 8
DOWNLOADERS = 2


def downloader(port, path, cookie, stop, done, cache):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    while not stop.is_set():
        shutil.rmtree(cache, ignore_errors=True)
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"PDF download answered {response.status}")
        done.append(1)
    connection.close()


def main() -> int:
    setup()
    import data
    from django.urls import reverse

    from safeguards.reports import pdf

    header("assessment overview: requests per second while PDFs are downloaded")
    office, users = data.office("bench-rps-pdf")
    version = data.framework(None)
    item = data.assessment(office, users, version)
    drafts = [data.assessment(office, users, version) for _ in range(DOWNLOADERS)]
    cookie = session_cookie(users["reviewer"])
    overview = reverse("reviews:assessment", args=[item.pk])
    alone, during, downloads = [], [], []
    with gunicorn() as port:
        load(port, overview, cookie, threads=THREADS, seconds=1.0)
        for _ in range(ROUNDS):
            result = load(port, overview, cookie, threads=THREADS, seconds=SECONDS)
            alone.append(result["rps"])
            stop, done = threading.Event(), []
            pool = [
                threading.Thread(
                    target=downloader,
                    args=(
                        port,
                        reverse("reports:pdf", args=[draft.pk]),
                        cookie,
                        stop,
                        done,
                        pdf.cache_dir(),
                    ),
                )
                for draft in drafts
            ]
            for thread in pool:
                thread.start()
            result = load(port, overview, cookie, threads=THREADS, seconds=SECONDS)
            stop.set()
            for thread in pool:
                thread.join()
            during.append(result["rps"])
            downloads.append(len(done))
    base, loaded = statistics.median(alone), statistics.median(during)
    print(
        f"overview alone: median {base:.1f} req/s (min {min(alone):.1f}, max {max(alone):.1f}, "
        f"N {ROUNDS} rounds of {SECONDS:.0f} s, {THREADS} client threads)"
    )
    print(
        f"overview during {DOWNLOADERS} concurrent PDF downloads (each a full render): median "
        f"{loaded:.1f} req/s (min {min(during):.1f}, max {max(during):.1f}, N {ROUNDS}); "
        f"PDFs finished per round: {downloads}"
    )
    drop = 1 - loaded / base
    print(f"drop: {drop * 100:.0f} % (target ≤ 20 %)")
    if drop > 0.2:
        print(f"  MISSED: by {(drop - 0.2) * 100:.0f} percentage points")
        return MISSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
