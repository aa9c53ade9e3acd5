"""Length limits that never cut text silently.

A browser's `maxlength` drops whatever is pasted past the limit without a word; here no field
carries it. The limit travels as `data-maxlength` (app.js shows a live counter from it) and
the server refuses a longer text with a message by the field that gives both counts.
"""

from django import forms

TOO_LONG = (
    "This is %(show_value)s characters long; the limit is %(limit_value)s. "
    "Nothing was cut or saved: shorten it and send it again."
)


def count_limits(form: forms.BaseForm) -> None:
    """Move every text field's limit from `maxlength` to `data-maxlength`, with our message."""
    for field in form.fields.values():
        limit = getattr(field, "max_length", None)
        if not limit or not isinstance(field, forms.CharField):
            continue
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-maxlength"] = str(limit)
        field.error_messages["max_length"] = TOO_LONG


class CountedLimits:
    """Form mixin: see count_limits()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        count_limits(self)
