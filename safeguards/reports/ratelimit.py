"""A small fixed-window rate limit for the public verify pages, per client address.

Counts live in Django's cache (per process with the default local-memory cache; shared when
CACHES names a shared backend), so a flood of lookups from one address is turned away with
429 while everyone else is served.
"""

import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request, scope: str) -> bool:
    """Count this request; False once the address passed the limit in the current window."""
    limit = settings.SAFEGUARDS_VERIFY_RATE
    window = settings.SAFEGUARDS_VERIFY_WINDOW_SECONDS
    if limit <= 0:
        return True
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{client_address(request)}:{bucket}"
    if cache.add(key, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return True
    return count <= limit
