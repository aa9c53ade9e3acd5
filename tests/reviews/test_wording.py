"""Wording that says what is true: blockers counted by the submit button, the conflict page
naming who saved meanwhile, verify results for drafts that do not read as a pass."""

from django.urls import reverse

from safeguards.reports.check import Unreadable, parse_json
from tests.factories import make_assessment, make_deployment, make_framework


def test_submit_says_how_many_are_left_and_links_to_the_first(client_for, alice, office):
    version = make_framework(categories=2, per_category=3)
    assessment = make_assessment(make_deployment(office, alice), version, alice)
    content = client_for(alice).get(assessment.get_absolute_url()).content.decode()
    first = reverse("reviews:assessment_category", args=[assessment.pk, "C1"])
    assert "6 left before it can be submitted." in content
    assert f'href="{first}#criterion-C1-1">Start with C1-1</a>' in content


def test_a_text_file_in_verify_is_answered_in_words_not_an_exception_name():
    try:
        parse_json(b"just some notes\n")
    except Unreadable as error:
        message = str(error)
    assert "neither a report PDF nor a report's JSON data" in message
    assert "Error" not in message
