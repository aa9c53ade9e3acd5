"""Creating and editing a deployment, and searching the list of them."""

from decimal import Decimal

from django import forms
from django.db.models import Q

from safeguards.accounts.models import Office
from safeguards.reviews.models import Deployment

from .limits import CountedLimits

DEPLOYMENT_FIELDS = [
    "name",
    "operator",
    "vendor",
    "technology",
    "contract_reference",
    "contract_value",
    "period_start",
    "period_end",
    "units_with_access",
    "purposes",
    "data_sources",
    "connected_systems",
    "notes",
]


class DeploymentForm(CountedLimits, forms.ModelForm):
    # The version the user started from: saving over a newer one is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Deployment
        fields = DEPLOYMENT_FIELDS
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "units_with_access": forms.Textarea(attrs={"rows": 2}),
            "purposes": forms.Textarea(attrs={"rows": 3}),
            "data_sources": forms.Textarea(attrs={"rows": 3}),
            "connected_systems": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "contract_reference": "Contract, order or notice number, and where it is published.",
            "units_with_access": "Which units or teams can use it, and how many accounts.",
            "purposes": "In the operator's own words where possible, with the source.",
        }

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
        # Choosing the office only matters to people who edit in more than one.
        if offices is not None and len(offices) > 1:
            self.fields = {
                "office": forms.ModelChoiceField(
                    queryset=Office.objects.filter(pk__in=[o.pk for o in offices]),
                    empty_label=None,
                    help_text="Everyone in this office will be able to read it.",
                ),
                **self.fields,
            }

    def clean_contract_value(self):
        value = self.cleaned_data.get("contract_value")
        if value is not None and value < 0:
            raise forms.ValidationError("A contract value cannot be negative.")
        # Two decimals, as stored, so the audit trail shows the value the database holds.
        return value.quantize(Decimal("0.01")) if value is not None else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period cannot end before it starts.")
        return cleaned


class DeploymentSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    office = forms.ModelChoiceField(
        queryset=Office.objects.none(), required=False, to_field_name="slug", empty_label="All"
    )
    vendor = forms.CharField(required=False, max_length=200)
    technology = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Office.objects.none()
        self.fields["q"].help_text = "Name, operator or vendor."

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(
                Q(name__icontains=data["q"])
                | Q(operator__icontains=data["q"])
                | Q(vendor__icontains=data["q"])
            )
        if data["office"]:
            queryset = queryset.filter(office=data["office"])
        if data["vendor"]:
            queryset = queryset.filter(vendor__icontains=data["vendor"])
        if data["technology"]:
            queryset = queryset.filter(technology__icontains=data["technology"])
        return queryset
