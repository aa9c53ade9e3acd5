"""The office's letterhead and report settings: edited by its office admin, audited."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from safeguards import canonical
from safeguards.accounts.permissions import Action, office_for_user
from safeguards.audit.record import record

from .forms import LetterheadForm

FIELDS = ("name", "address_line", "time_zone", "paper_size", "attestation_text")


def _state(office) -> dict:
    state = {name: getattr(office, name) for name in FIELDS}
    state["logo"] = office.logo.name or None
    return state


def _logo_sha256(office) -> str | None:
    if not office.logo:
        return None
    office.logo.open("rb")
    try:
        return canonical.sha256_hex(office.logo.read())
    finally:
        office.logo.close()


def office_letterhead(request, slug):
    office = office_for_user(request.user, slug, Action.MANAGE)
    before = _state(office)
    old_logo = office.logo.name
    if request.method == "POST":
        form = LetterheadForm(request.POST, request.FILES, instance=office)
        if form.is_valid():
            with transaction.atomic():
                office = form.save(commit=False)
                if form.cleaned_data.get("remove_logo") and "logo" not in request.FILES:
                    office.logo = ""
                office.save()
                after = _state(office)
                if after != before:
                    after["logo_sha256"] = _logo_sha256(office)
                    record(
                        "office.letterhead_changed",
                        actor=request.user,
                        office=office.pk,
                        target=office,
                        before=before,
                        after=after,
                    )
            if old_logo and old_logo != office.logo.name:
                # The old file is no longer anyone's logo; frozen PDFs keep their own copy.
                office.logo.storage.delete(old_logo)
            messages.success(request, "Letterhead and report settings saved.")
            return redirect("reports:office_letterhead", slug=office.slug)
    else:
        form = LetterheadForm(instance=office)
    return render(request, "reports/office_letterhead.html", {"office": office, "form": form})
