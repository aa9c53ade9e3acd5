"""The office admin's page for restricted values: the list of reasons reviewers choose from,
and which members see public versions only."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguards.accounts.models import Membership
from safeguards.accounts.permissions import Action, office_for_user

from .forms import MemberAccessForm, ReasonForm
from .marks import ReasonError, add_reason, reasons_for, remove_reason, set_public_only
from .models import MemberSetting, RestrictionReason


def _page(request, office, reason_form=None, status=200):
    limited = set(
        MemberSetting.objects.filter(membership__office=office, public_only=True).values_list(
            "membership_id", flat=True
        )
    )
    members = [
        (membership, membership.pk in limited)
        for membership in Membership.objects.filter(office=office)
        .select_related("user")
        .order_by("user__username")
    ]
    context = {
        "office": office,
        "reasons": reasons_for(office),
        "own_list": RestrictionReason.objects.filter(office=office).exists(),
        "reason_form": reason_form or ReasonForm(),
        "members": members,
    }
    return render(request, "restricted/office.html", context, status=status)


@require_http_methods(["GET", "POST"])
def office_settings(request, slug):
    """GET the page; POST adds a reason."""
    office = office_for_user(request.user, slug, Action.MANAGE)
    if request.method == "GET":
        return _page(request, office)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            added = add_reason(office, form.cleaned_data["label"], by=request.user)
        except ReasonError as error:
            form.add_error("label", str(error))
        else:
            label = form.cleaned_data["label"].strip()
            if added:
                messages.success(request, f"Added the reason “{label}”.")
            else:
                messages.info(request, f"“{label}” is already on the list.")
            return redirect("restricted:office", slug=office.slug)
    return _page(request, office, reason_form=form, status=400)


@require_POST
def remove_office_reason(request, slug):
    office = office_for_user(request.user, slug, Action.MANAGE)
    label = request.POST.get("label", "")
    if remove_reason(office, label, by=request.user):
        messages.success(
            request, f"Removed “{label}”. Values already marked with it keep it as their reason."
        )
    else:
        messages.error(request, f"“{label}” is not on the office's list.")
    return redirect("restricted:office", slug=office.slug)


@require_POST
def member_access(request, slug):
    office = office_for_user(request.user, slug, Action.MANAGE)
    form = MemberAccessForm(request.POST)
    membership = None
    if form.is_valid():
        membership = (
            Membership.objects.select_related("user")
            .filter(office=office, user__username=form.cleaned_data["username"])
            .first()
        )
    if membership is None:
        messages.error(request, "Choose a member of this office and the versions they see.")
        return redirect("restricted:office", slug=office.slug)
    public_only = form.cleaned_data["access"] == "public"
    name = membership.user.get_username()
    if set_public_only(membership, public_only, by=request.user):
        shown = "public versions only" if public_only else "all versions"
        messages.success(request, f"{name} now sees {shown}.")
    else:
        messages.info(request, f"{name} already saw that; nothing changed.")
    return redirect("restricted:office", slug=office.slug)
