"""The Jinja2 environment of a category page's rows and of their form widgets.

A page renders every row it has not cached (after a save: all of them) and about ten widgets a
row; Jinja2 writes the same markup several times faster than Django's template language. The
filters are Django's own, so a row shows dates, notes and texts exactly as a Django template
would; the evidence line a row shares with Django templates is read from `templates/`.
"""

from pathlib import Path

import jinja2
from django import forms
from django.conf import settings
from django.forms.renderers import Jinja2
from django.template import defaultfilters
from django.template.utils import get_app_template_dirs
from django.utils.functional import cached_property
from django.utils.timezone import template_localtime

# Partials written in the syntax both engines share, included by Django templates and rows.
SHARED_PARTIALS = ("reviews/_evidence_item.html",)


def _shared_partial(name: str):
    if name not in SHARED_PARTIALS:
        return None
    path = Path(settings.BASE_DIR) / "templates" / name
    mtime = path.stat().st_mtime
    return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime == mtime


def date(value, arg=None) -> str:
    """Django's `date` filter, in the current time zone as a Django template shows it."""
    return defaultfilters.date(template_localtime(value), arg)


def environment(**options) -> jinja2.Environment:
    env = jinja2.Environment(**options)
    env.filters.update(
        date=date,
        linebreaksbr=defaultfilters.linebreaksbr,
        truncatewords=defaultfilters.truncatewords,
    )
    return env


class PageRenderer(Jinja2):
    """Django's Jinja2 form renderer (its own Jinja2 copies of the widget templates, then each
    app's `jinja2/` folder), with Django's filters and the shared partials."""

    @cached_property
    def engine(self):
        dirs = [Path(forms.__file__).parent / "jinja2", *get_app_template_dirs("jinja2")]
        loader = jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(dirs), jinja2.FunctionLoader(_shared_partial)]
        )
        return self.backend(
            {
                "APP_DIRS": False,
                "DIRS": [],
                "NAME": "reviews-page",
                "OPTIONS": {"environment": f"{__name__}.environment", "loader": loader},
            }
        )

    def template(self, name: str) -> jinja2.Template:
        """A Jinja2 template of this environment, to render with a plain dict."""
        return self.engine.env.get_template(name)
