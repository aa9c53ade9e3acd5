"""Frameworks in the admin: to look at only. Versions are published by `load_frameworks` and
never change, so no one adds, edits or deletes them here."""

from django.contrib import admin

from .models import Category, Criterion, Framework, FrameworkVersion, Reference


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = FrameworkVersion
    fields = ["version", "title", "published", "source_sha256", "loaded_at", "loaded_by"]


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["slug", "title"]
    search_fields = ["slug", "title"]
    inlines = [VersionInline]


class CategoryInline(ReadOnlyInline):
    model = Category
    fields = ["position", "code", "title"]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyAdmin):
    list_display = ["framework", "version", "title", "published", "loaded_at", "loaded_by"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    search_fields = ["framework__slug", "title", "source_sha256"]
    inlines = [CategoryInline]


class ReferenceInline(ReadOnlyInline):
    model = Reference
    fields = ["position", "source", "section", "url", "note"]
    show_change_link = False


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "severity", "weight", "red_line", "framework_version"]
    list_filter = ["framework_version__framework", "severity", "red_line"]
    list_select_related = ["framework_version__framework"]
    search_fields = ["code", "title", "question"]
    inlines = [ReferenceInline]


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fk_name = "category"
    fields = ["position", "code", "title", "severity", "weight", "red_line"]


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "framework_version"]
    list_filter = ["framework_version__framework"]
    list_select_related = ["framework_version__framework"]
    inlines = [CriterionInline]
