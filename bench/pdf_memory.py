"""Peak memory (RSS) of one app process rendering a draft PDF: the default framework's size
(about 76 criteria) and the largest (240 criteria), all answered.

Target: ≤ 150 MB. The render runs in a fresh process, so its peak is the render's and nothing
else's; the same process's peak before rendering is printed alongside.
"""

import shutil
import subprocess
import sys

from common import MISSED, client_for, get_ok, header, peak_rss_mb, setup

SIZES = (
    (75, 15),
    (240, 16),
)  # (criteria, categories): about the default framework (76 in 15), the largest


def render(pk: int, username: str) -> None:
    setup()
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from safeguards.reports import pdf

    client = client_for(get_user_model().objects.get(username=username))
    get_ok(client, reverse("reviews:assessment", args=[pk]))  # the app warmed up, as a worker is
    shutil.rmtree(pdf.cache_dir(), ignore_errors=True)
    before = peak_rss_mb()
    response = get_ok(client, reverse("reports:pdf", args=[pk]))
    print(f"{before:.1f} {peak_rss_mb():.1f} {len(response.content)}")


def main() -> int:
    setup()
    import data

    header("memory of one process rendering a draft PDF")
    missed = 0
    for criteria, categories in SIZES:
        office, users = data.office(f"bench-memory-{criteria}")
        item = data.assessment(office, users, data.framework(criteria, categories=categories))
        output = subprocess.run(
            [sys.executable, __file__, "--render", str(item.pk), users["reviewer"].username],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        before, peak, size = float(output[0]), float(output[1]), int(output[2])
        print(
            f"peak RSS rendering a {criteria}-criteria draft PDF ({size} bytes): {peak:.1f} MB "
            f"(process before the render: {before:.1f} MB; N 1)"
        )
        if peak > 150:
            print(f"  MISSED: target ≤ 150 MB, by {peak - 150:.1f} MB")
            missed = MISSED
    return missed


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--render":
        render(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(main())
