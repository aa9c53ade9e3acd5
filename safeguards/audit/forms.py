"""Filters of the office-wide audit log."""

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from .display import ACTION_GROUPS

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(9998, 12, 31)


class OfficeLogFilter(forms.Form):
    office = forms.ChoiceField(required=False, label="Office")
    actor = forms.ChoiceField(required=False, label="Who")
    action = forms.ChoiceField(
        required=False,
        label="What",
        choices=[("", "Any action")]
        + [
            (group, sorted(actions.items(), key=lambda item: item[1]))
            for group, actions in ACTION_GROUPS.items()
        ],
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, offices, people=(), **kwargs):
        """`people`: (username, display name) of the offices' members, offered as "Who"."""
        super().__init__(*args, **kwargs)
        self.offices = {office.slug: office for office in offices}
        self.fields["actor"].choices = [("", "Anyone")] + sorted(
            (
                (username, name if name == username else f"{name} ({username})")
                for username, name in people
            ),
            key=lambda choice: choice[1].lower(),
        )
        if len(offices) > 1:
            self.fields["office"].choices = [("", "All my offices")] + [
                (office.slug, office.name) for office in offices
            ]
        else:
            del self.fields["office"]

    def _clean_date(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError("Enter a date between 1900 and 9998.")
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filter(self, events: QuerySet) -> list[QuerySet]:
        """The events matching the filters, one queryset per chosen office (after is_valid())."""
        data = self.cleaned_data
        office = self.offices.get(data.get("office") or "")
        if data["actor"]:
            events = events.filter(actor_username=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lt=_start_of(data["date_to"] + datetime.timedelta(days=1)))
        offices = [office] if office else list(self.offices.values())
        return [events.filter(office_id=office.pk) for office in offices]


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
