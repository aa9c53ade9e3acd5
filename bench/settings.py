"""The project's settings, plus what only the benchmarks need: a bare view to compare pages
against, and the test client's host name."""

from safeguards.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
