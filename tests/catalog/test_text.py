"""Framework text as prose: hard-wrapped YAML lines joined, paragraphs kept."""

import pytest

from safeguards.catalog.text import loaded_by_words, paragraphs

WRAPPED = (
    "Criteria for judging whether a deployment has the safeguards it needs, written for\n"
    "inspectors general, civil-liberties boards and legislative and audit staff who review\n"
    "one deployment.\n"
    "Each criterion asks one question that can be answered from the contract, the policies\n"
    "and the audit logs.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One line.", ["One line."]),
        ("wrapped in\nthe middle of a sentence", ["wrapped in the middle of a sentence"]),
        ("First paragraph.\n\nSecond paragraph.", ["First paragraph.", "Second paragraph."]),
        ("  a\n  \n\n  b  ", ["a", "b"]),
        ("", []),
        (
            WRAPPED,
            [
                "Criteria for judging whether a deployment has the safeguards it needs, written "
                "for inspectors general, civil-liberties boards and legislative and audit staff "
                "who review one deployment.",
                "Each criterion asks one question that can be answered from the contract, the "
                "policies and the audit logs.",
            ],
        ),
        # a sentence that ends at the wrap width is not a paragraph's end
        ("aaaa aaaa aaaa aaaa.\nThen more text", ["aaaa aaaa aaaa aaaa. Then more text"]),
        # nor is a short line before a lower-case continuation
        (
            "A long line of words here, and\nshort one.\nand on",
            ["A long line of words here, and short one. and on"],
        ),
    ],
)
def test_paragraphs(text, expected):
    assert paragraphs(text) == expected


@pytest.mark.parametrize(
    ("loaded_by", "words"),
    [
        ("manage.py load_frameworks (root)", "the site's operators (account root)"),
        ("manage.py load_frameworks", "the site's operators"),
        ("olga via import", "olga via import"),
    ],
)
def test_loaded_by_words(loaded_by, words):
    assert loaded_by_words(loaded_by) == words


@pytest.mark.django_db
def test_framework_page_shows_paragraphs_and_no_command(client_for, alice):
    from django.urls import reverse

    from safeguards.catalog.models import FrameworkVersion
    from tests.factories import make_framework

    version = make_framework()
    FrameworkVersion.objects.filter(pk=version.pk).update(
        description=WRAPPED, loaded_by="manage.py load_frameworks (root)"
    )
    url = reverse("catalog:framework_version", args=[version.framework.slug, version.version])
    text = client_for(alice).get(url).content.decode()
    assert (
        "<p>Criteria for judging whether a deployment has the safeguards it needs, written for "
        in text
    )
    assert "<p>Each criterion asks one question" in text
    assert "<br>" not in text.split('class="framework-description"')[1].split("</div>")[0]
    assert "manage.py" not in text and "by the site&#x27;s operators (account root)" in text
