"""Read-only pages of the catalog: frameworks are shared reference data, not office data,
so every signed-in user may read them."""

from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .models import Framework, FrameworkVersion


def framework_list(request):
    versions = FrameworkVersion.objects.annotate(criteria_count=Count("criteria"))
    frameworks = Framework.objects.prefetch_related(
        Prefetch("versions", queryset=versions.order_by("-version"))
    ).order_by("title", "slug")
    return render(request, "catalog/framework_list.html", {"frameworks": frameworks})


def framework(request, slug):
    """A framework's address always leads to its newest version."""
    newest = (
        FrameworkVersion.objects.select_related("framework")
        .filter(framework__slug=slug)
        .order_by("-version")
        .first()
    )
    if newest is None:
        raise Http404("No such framework.")
    return redirect(newest)


def framework_version(request, slug, version):
    shown = get_object_or_404(
        FrameworkVersion.objects.with_catalog(), framework__slug=slug, version=version
    )
    versions = list(
        FrameworkVersion.objects.filter(framework=shown.framework_id)
        .order_by("-version")
        .values("version", "published")
    )
    context = {
        "version": shown,
        "categories": shown.categories.all(),
        "versions": versions,
        "newest": versions[0]["version"],
    }
    return render(request, "catalog/framework_version.html", context)
