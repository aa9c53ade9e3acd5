import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguards.settings")
application = get_wsgi_application()

from safeguards.warmup import warm_up  # noqa: E402 (needs the apps loaded above)

warm_up()
