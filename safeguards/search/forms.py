"""The search box: a query and, optionally, one kind of record to page through."""

from django import forms

from .query import KINDS

QUERY_MAX = 200


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=QUERY_MAX, required=False, strip=True)
    kind = forms.ChoiceField(
        label="Only",
        required=False,
        choices=[("", "Everything"), *((kind.key, kind.label) for kind in KINDS)],
    )
    archived = forms.BooleanField(
        label="Include archived deployments and assessments, and retired evidence",
        required=False,
    )
