"""The report page's per-row memo: a row's block is rendered again whenever anything in it
changes, and only rows that changed are."""

import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape

from safeguards import scoring
from safeguards.reports.templatetags import report_memo
from safeguards.reports.templatetags.report_memo import Unhashable, frozen
from safeguards.reviews.models import Answer, AnswerChange
from tests.factories import make_assessment, make_deployment, make_framework

ROWS = Template(
    "{% load report_memo %}{% for row in rows %}{% memo row %}[{{ row.a }} {{ row.b }}]"
    "{% endmemo %}{% endfor %}"
)


def render(rows) -> str:
    return ROWS.render(Context({"rows": rows}))


@pytest.mark.parametrize(
    "one, other",
    [
        (1, 1.0),
        (1, True),
        (0, None),
        ("1", 1),
        ({"a": 1}, {"a": 2}),
        ({"a": [1, 2]}, {"a": [2, 1]}),
        (["x"], ("x", "y")),
    ],
)
def test_keys_differ_whenever_the_content_or_its_type_does(one, other):
    assert frozen(one) != frozen(other)


def test_equal_content_gives_one_key():
    assert frozen({"a": [1, {"b": "c"}], "d": None}) == frozen({"a": [1, {"b": "c"}], "d": None})


def test_an_unhashable_value_is_refused():
    with pytest.raises(Unhashable):
        frozen({"a": object()})


def test_a_row_is_rendered_again_when_any_part_changes():
    assert render([{"a": "x", "b": 1}, {"a": "y", "b": 2}]) == "[x 1][y 2]"
    assert render([{"a": "x", "b": 1}, {"a": "y", "b": 3}]) == "[x 1][y 3]"
    assert render([{"a": "x", "b": 1.0}]) == "[x 1.0]"
    assert render([{"a": "<b>", "b": [1]}]) == "[&lt;b&gt; [1]]"  # escaped, once


def test_a_full_memo_drops_its_oldest_entries(monkeypatch):
    monkeypatch.setattr(report_memo, "LIMIT", 8)
    template = Template("{% load report_memo %}{% memo row.a %}{{ row.a }}{% endmemo %}")
    node = next(n for n in template.nodelist if isinstance(n, report_memo.MemoNode))
    for n in range(20):
        assert template.render(Context({"row": {"a": n}})) == str(n)
        assert len(node.rendered) <= 8
    assert template.render(Context({"row": {"a": 19}})) == "19"
    assert template.render(Context({"row": {"a": 0}})) == "0"


def test_rows_that_are_not_dicts_are_keyed_through_the_template_lookup():
    assert render([SimpleNamespace(a="x", b=1)]) == "[x 1]"
    assert render([SimpleNamespace(a="x", b=2)]) == "[x 2]"
    assert render([{"a": "x"}]) == "[x ]"  # a missing key renders as nothing, as without memo


def test_an_unhashable_row_is_rendered_without_the_memo():
    marker = object()
    assert render([{"a": "x", "b": marker}]) == f"[x {escape(str(marker))}]"


@pytest.mark.django_db
def test_the_report_page_shows_a_save_at_once(client_for, alice, office):
    version = make_framework(categories=2, per_category=3)
    answers = {criterion.code: scoring.MET for criterion in version.criteria.all()}
    assessment = make_assessment(make_deployment(office, alice), version, alice, answers=answers)
    client = client_for(alice)
    url = reverse("reports:assessment_report", args=[assessment.pk])
    before = client.get(url).content.decode()
    row = Answer.objects.get(assessment=assessment, criterion__code="C2-1")
    change = AnswerChange(row.pk, row.version, scoring.NOT_MET, "No audit log at all.", "Log.")
    assessment.save_answers([change], by=alice)
    after = client.get(url).content.decode()
    assert "No audit log at all." not in before and "No audit log at all." in after
    article = after.split("<h4>C2-1 ", 1)[1].split("</article>", 1)[0]
    assert "Not met" in article and "gap 1 (recommendation in the list of gaps)" in article
    unchanged = before.split("<h4>C1-2 ", 1)[1].split("</article>", 1)[0]
    assert unchanged == after.split("<h4>C1-2 ", 1)[1].split("</article>", 1)[0]


def test_each_memoised_block_of_the_report_reads_only_what_its_key_names():
    """A block that read a value left out of its key would show a stale one."""
    source = (settings.BASE_DIR / "templates/reports/_body.html").read_text()
    blocks = re.findall(r"\{% memo ([^%]+) %\}(.*?)\{% endmemo %\}", source, re.S)
    assert len(blocks) == 3
    for named, block in blocks:
        keys = set(named.split())
        local = {
            name
            for loop in re.findall(r"\{% for ([\w, ]+) in ", block)
            for name in loop.replace(",", " ").split()
        }
        read = set(re.findall(r"\b(?:row|item)\.\w+", block))
        assert read <= keys, read - keys
        for name in re.findall(r"\{\{ (\w+)", block):
            assert name in {"row", "item"} or name in local, name
