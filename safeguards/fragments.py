"""The cache of rendered fragments: criterion guides, category-page rows, overview parts.

Each entry is keyed by everything it shows, so it is never stale, only unused; it is kept in
each process (settings.CACHES["fragments"]), also with a shared SAFEGUARDS_CACHE_URL. Templates
name it in `{% cache … using="fragments" %}`.
"""

from django.core.cache import caches
from django.utils.connection import ConnectionProxy

fragments = ConnectionProxy(caches, "fragments")
