"""Download of an approved (frozen) PDF: stored bytes, no rendering.

Target: ≤ 10 ms.
"""

import sys

from common import MISSED, client_for, count_queries, get_ok, header, line, setup, timed


def approved(office, users, version):
    import data

    from safeguards.reviews import workflow

    item = data.assessment(office, users, version)
    workflow.submit(item, by=users["reviewer"])
    workflow.approve(item, by=users["approver"])
    return item


def main() -> int:
    setup()
    import data
    from django.urls import reverse

    header("frozen (approved) PDF download")
    office, users = data.office("bench-frozen")
    item = approved(office, users, data.framework(None))
    client = client_for(users["viewer"])
    failed = False
    for name, args in (("pdf", [item.pk]), ("version_pdf", [item.pk, 1])):
        url = reverse(f"reports:{name}", args=args)
        response = get_ok(client, url)
        samples = timed(lambda url=url: get_ok(client, url), runs=30, warmup=3)
        figures = line(
            f"GET {url}",
            samples,
            pdf_bytes=len(response.content),
            queries=count_queries(lambda url=url: get_ok(client, url)),
        )
        if figures["median"] > 10:
            print(f"  MISSED: target ≤ 10 ms, by {figures['median'] - 10:.1f} ms")
            failed = True
    return MISSED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
