"""One search over the user's offices, results grouped by kind (a page per kind)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import SearchForm
from .query import KINDS, results, where_found, words

PREVIEW = 5  # results per kind on the first page; "Show all" pages through one kind
PAGE_SIZE = 25


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    query_words = words(form.cleaned_data["q"]) if form.is_valid() else []
    chosen = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    include_archived = form.is_valid() and form.cleaned_data["archived"]
    groups, total = [], 0
    for kind in KINDS:
        if not query_words:
            break
        found = results(request.user, kind, query_words, include_archived)
        count = found.count()
        total += count
        group = {"kind": kind, "count": count, "page": None, "rows": []}
        if chosen == kind.key:
            group["page"] = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
            group["rows"] = group["page"].object_list
        elif not chosen and count:
            group["rows"] = found[:PREVIEW]
        group["rows"] = [(row, where_found(row, kind, query_words)) for row in group["rows"]]
        groups.append(group)
    chosen_group = next((group for group in groups if group["kind"].key == chosen), None)
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "query": form.cleaned_data["q"] if form.is_valid() else "",
            "searched": bool(query_words),
            "groups": groups,
            "total": total,
            "chosen_group": chosen_group,
            "shown": chosen_group["count"] if chosen_group else total,
            "chosen": chosen,
            "preview": PREVIEW,
            "include_archived": include_archived,
        },
    )
