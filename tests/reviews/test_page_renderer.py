"""The category page's Jinja2 environment: its widgets write Django's own markup, its filters
show what Django's show, and the evidence line is the same partial in both engines."""

import datetime
import html
import zoneinfo

import pytest
from django.forms.renderers import Jinja2
from django.template import defaultfilters
from django.template.loader import get_template
from django.utils import timezone

from safeguards import scoring
from safeguards.reviews.forms.assessments import WIDGET_RENDERER, AnswerForm, EvidenceChoice
from safeguards.reviews.jinja import date
from safeguards.reviews.views.assessment_category import PageAnswer, PageCriterion

DJANGO = Jinja2()  # Django's own Jinja2 widget templates, with their includes
EVIDENCE = [
    (7, EvidenceChoice(pk=7, title='The "PIA", 2024', kind="Document", citation="p. 4")),
    (8, EvidenceChoice(pk=8, title="Notice <b>", kind="Web page", url="/evidence/8/")),
]


def form(data=None, status=scoring.STATUSES[1], linked=(7,)):
    answer = PageAnswer(
        pk=12,
        criterion=PageCriterion(pk=3, code="AUTH-1", title="Legal basis", red_line=True),
        status=status,
        rationale='Said "yes" & <signed>',
        recommendation="",
        version=4,
        updated_at=None,
        updated_by_name=None,
    )
    return AnswerForm(data, answer=answer, evidence_choices=EVIDENCE, linked=list(linked))


def djangos(bound, name):
    """A field's widget as Django's own templates write it."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({}, widget)
    attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)
    if name == "status":  # each radio is Django's input, its label after it
        return "".join(
            '<div class="form-check form-check-inline">'
            + DJANGO.render("django/forms/widgets/input.html", {"widget": option})
            + f'<label class="form-check-label" for="{option["attrs"]["id"]}">'
            + f"{option['label']}</label></div>"
            for _, options, _ in context["widget"]["optgroups"]
            for option in options
        )
    template = {"rationale": "textarea", "recommendation": "textarea", "version": "hidden"}[name]
    return DJANGO.render(f"django/forms/widgets/{template}.html", context)


@pytest.mark.parametrize("name", ["status", "rationale", "recommendation", "version"])
@pytest.mark.parametrize("bound", [False, True])
def test_each_widget_writes_djangos_markup(name, bound):
    data = {"a12-status": "met", "a12-rationale": "", "a12-version": "4"} if bound else None
    page_form = form(data)
    if bound:
        assert not page_form.is_valid()  # a red line met without a rationale: errors marked
    field = page_form[name]
    assert str(field) == djangos(field, name)
    assert str(field).count("<") == str(field).count(">")


def test_a_linked_box_writes_djangos_checkbox_option():
    boxes = list(form(linked=(7, 8))["evidence"])
    assert [box.data["value"] for box in boxes] == [7, 8]
    for box in boxes:
        for wrap_label in (False, True):
            context = {"widget": {**box.data, "wrap_label": wrap_label}}
            expected = DJANGO.render("django/forms/widgets/checkbox_option.html", context)
            assert box.tag(wrap_label=wrap_label) == expected
    assert "checked" in boxes[0].tag()


def test_widgets_escape_what_was_typed():
    rendered = str(form()["rationale"])
    assert "&lt;signed&gt;" in rendered and "<signed>" not in rendered
    assert html.unescape(rendered.split(">", 1)[1].rsplit("<", 1)[0]) == '\nSaid "yes" & <signed>'


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("fmt", ["Y-m-d H:i", "Y-m-d", "d/m/Y", "j F Y, P"])
@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 12, 1, 23, 59, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 8, 7, 5, 30, tzinfo=datetime.UTC),  # a DST change
        datetime.date(2026, 1, 2),
        None,
        "",
    ],
)
def test_date_filter_shows_what_djangos_shows(zone, fmt, value):
    def outcome(filter_, value):
        try:
            return filter_(value, fmt)
        except TypeError as error:  # a time format of a date: refused alike
            return type(error)

    with timezone.override(zoneinfo.ZoneInfo(zone)):
        django = outcome(defaultfilters.date, timezone.template_localtime(value))
        assert outcome(date, value) == django


def test_the_evidence_line_is_one_partial_in_both_engines():
    item = EvidenceChoice(
        pk=8, title="It's <new>", kind="Web page", citation="§ 2", url="/evidence/8/", retired=True
    )
    name = "reviews/_evidence_item.html"
    in_django = get_template(name).render({"item": item})
    in_jinja = WIDGET_RENDERER.template(name).render({"item": item})
    # The same markup; only the spelling of an escaped quote differs (&#x27; / &#39;).
    assert html.unescape(in_django).strip() == html.unescape(in_jinja).strip()
    assert "Retired" in in_jinja and "§ 2" in in_jinja and "&lt;new&gt;" in in_jinja
