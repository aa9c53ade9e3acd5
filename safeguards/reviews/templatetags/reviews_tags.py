"""Template filters of the reviews pages."""

from django import template

from safeguards.accounts.models import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    """A person's full name from their profile, else their username."""
    return display_name(user) if user else ""
