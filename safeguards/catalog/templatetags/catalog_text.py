"""Framework text on pages: paragraphs instead of the YAML's hard line wraps (catalog.text)."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from safeguards.catalog import text

register = template.Library()


@register.filter
def prose(value: str) -> SafeString:
    """Framework text as <p> paragraphs, escaped."""
    return format_html_join("", "<p>{}</p>", ((p,) for p in text.paragraphs(value)))


@register.filter
def loaded_by_words(value: str) -> str:
    return text.loaded_by_words(value)
