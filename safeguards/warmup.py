"""Work each app process does once at start, not inside the first request that needs it.

Without it, every worker's first page loads the URL conf and every view module, and its first
approval imports pyHanko (with aiohttp and fontTools) and cuts the signature stamp's font:
about two seconds of CPU in a request that already renders and signs a PDF. With evidence on
S3, botocore's description of S3 is parsed here too (`safeguards/storage.py`). Called by the WSGI
entry point only, so management commands and tests start as fast as before.
"""

import logging

logger = logging.getLogger(__name__)


def warm_up() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # imports every view module  # noqa: B018
    try:
        from safeguards.reports import freeze, signing  # noqa: F401 (imported for their cost)

        signing._font_path()  # made once into the data folder, then only found
    except Exception:  # the first approval does the same and reports any error itself
        logger.exception("Warm-up of the report signer failed; the first approval will retry.")
    from django.core.files.storage import storages

    from safeguards.storage import SharedModelS3Storage

    storage = storages["default"]
    if isinstance(storage, SharedModelS3Storage):
        storage.connection  # botocore's description of S3, parsed here once for every thread  # noqa: B018
