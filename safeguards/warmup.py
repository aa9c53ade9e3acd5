"""Work each app process does once at start, not inside the first request that needs it.

Without it, every worker's first page loads the URL conf and every view module, builds the
tables `reverse` uses and compiles its templates (a first category page cost 0.6 s of CPU, the
next 15 ms), and its first approval imports pyHanko (with aiohttp and fontTools) and cuts the
signature stamp's font: about two seconds of CPU in a request that already renders and signs a
PDF. With evidence on S3, botocore's description of S3 is parsed here too
(`safeguards/storage.py`). Called by the WSGI entry point only, so management commands and
tests start as fast as before.
"""

import logging

logger = logging.getLogger(__name__)


def warm_up() -> None:
    from django.urls import get_resolver

    _load_urls(get_resolver())
    _compile_templates()
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


def _compile_templates() -> None:
    """Parse the app's own templates into the cached loader (about 0.2 s), so that no one's
    first page after a restart waits for it."""
    from pathlib import Path

    from django.conf import settings
    from django.template import TemplateSyntaxError, engines

    engine = engines["django"]
    base = Path(settings.BASE_DIR)
    for root in (base / "templates", *sorted(base.glob("safeguards/*/templates"))):
        for path in sorted(root.rglob("*.html")):
            try:
                engine.get_template(path.relative_to(root).as_posix())
            except TemplateSyntaxError:  # the page that uses it reports it, as without warm-up
                logger.exception("Template %s does not compile.", path)
    # A category page's rows, its category list and the answer form's widgets render with
    # Jinja2, which compiles each template to Python (Django's other form templates are unused).
    from safeguards.reviews.forms.assessments import WIDGET_RENDERER

    env = WIDGET_RENDERER.engine.env
    for name in env.list_templates(
        filter_func=lambda name: "/widgets/" in name or not name.startswith("django/")
    ):
        env.get_template(name)


def _load_urls(resolver) -> None:
    """Import every view module and build each namespace's table for `reverse` (about 0.15 s
    on the first page, which links to many)."""
    resolver.url_patterns  # noqa: B018
    resolver.reverse_dict  # noqa: B018
    for _, namespaced in resolver.namespace_dict.values():
        _load_urls(namespaced)
