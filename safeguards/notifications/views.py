"""The user's notifications: the list, opening one (marks it read), marking all read."""

from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from safeguards.accounts.permissions import own_record
from safeguards.audit.record import record

from .models import Notification

PAGE_SIZE = 50


@require_GET
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user).select_related("office")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def _mark_read(user, ids: list[int]) -> int:
    with transaction.atomic():
        count = Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if count:
            record(
                "notifications.read",
                actor=user,
                target_type="notifications.notification",
                target_id=ids[0] if len(ids) == 1 else "",
                after={"notifications": sorted(ids), "marked": count},
            )
    return count


@require_POST
def notification_open(request, pk):
    notification = own_record(request.user, Notification, pk=pk)
    _mark_read(request.user, [notification.pk])
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request):
    ids = list(
        Notification.objects.filter(user=request.user, read_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if ids:
        _mark_read(request.user, ids)
    return redirect("notifications:list")
