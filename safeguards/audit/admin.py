"""The audit trail in the Django admin: to look at, never to change."""

from django.contrib import admin

from .models import ChainHead, Event


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None  # no "delete selected"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_username", "office", "action", "target_type", "target_id"]
    list_filter = ["action", "office"]
    search_fields = ["=actor_username", "=action", "=target_id", "=hash"]
    list_select_related = ["office"]
    # A million rows: no full count for the result line.
    show_full_result_count = False
    fields = [
        "seq",
        "at",
        "actor",
        "actor_username",
        "office",
        "action",
        "target_type",
        "target_id",
        "assessment_id",
        "before",
        "after",
        "prev_hash",
        "hash",
    ]


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["seq", "hash"]
