"""The category scoring page: what it shows, the answer rules (form and model), saving a page."""

import datetime
import itertools
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguards import scoring
from safeguards.audit.models import Event
from safeguards.audit.verify import verify_chain
from safeguards.followup import requests
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer, AnswerChange, Evidence
from safeguards.team import review
from tests.factories import make_assessment, make_deployment, make_framework
from tests.followup.conftest import request_for


@pytest.fixture
def version(db):
    return make_framework()


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def assessment(deployment, version, alice):
    return make_assessment(deployment, version, alice)


def page(assessment, code="C1", name="assessment_category"):
    return reverse(f"reviews:{name}", args=[assessment.pk, code])


def page_data(assessment, code="C1", **changes):
    """The POST of a category page as stored now, with `changes` (code -> fields) applied."""
    data = {}
    answers = assessment.answers.filter(criterion__category__code=code).select_related("criterion")
    for answer in answers:
        fields = {
            "status": answer.status,
            "rationale": answer.rationale,
            "recommendation": answer.recommendation,
            "evidence": [str(pk) for pk in answer.evidence.values_list("pk", flat=True)],
            "version": answer.version,
        }
        fields.update(changes.get(answer.criterion.code.replace("-", "_"), {}))
        data.update({f"a{answer.pk}-{name}": value for name, value in fields.items()})
    return data


def answer(assessment, code):
    return Answer.objects.get(assessment=assessment, criterion__code=code)


# Access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, assessment):
    assert client.get(page(assessment))["Location"].startswith(reverse("login"))
    assert client.post(page(assessment))["Location"].startswith(reverse("login"))


def test_other_office_gets_404(client_for, mallory, assessment):
    client = client_for(mallory)
    assert client.get(page(assessment)).status_code == 404
    assert client.post(page(assessment), page_data(assessment)).status_code == 404


def test_unknown_category_is_404(client_for, alice, assessment):
    assert client_for(alice).get(page(assessment, "NOPE")).status_code == 404


def test_viewer_reads_answers_without_form_controls(client_for, victor, assessment):
    response = client_for(victor).get(page(assessment))
    assert response.status_code == 200
    assert b"<textarea" not in response.content
    assert b'type="radio"' not in response.content
    assert b">Save<" not in response.content
    assert b"your role does not allow changing them" in response.content


@pytest.mark.parametrize("name", ["assessment_category", "assessment_category_save_next"])
def test_viewer_gets_403_on_save(client_for, victor, assessment, name):
    data = page_data(assessment, C1_2={"status": "met", "rationale": "Contract clause 4."})
    response = client_for(victor).post(page(assessment, name=name), data)
    assert response.status_code == 403
    assert answer(assessment, "C1-2").status == scoring.NOT_ASSESSED


def test_save_next_needs_post(client_for, alice, assessment):
    response = client_for(alice).get(page(assessment, name="assessment_category_save_next"))
    assert response.status_code == 405


# What the page shows ------------------------------------------------------------------------


def test_page_shows_each_criterion_in_a_labelled_fieldset_with_its_guidance(
    client_for, alice, assessment
):
    content = client_for(alice).get(page(assessment)).content.decode()
    assert content.count('<fieldset class="criterion scored-criterion"') == 5
    assert 'id="criterion-C1-2-heading">C1-2 Criterion 1.2' in content
    assert "Is safeguard 1.2 in place?" in content
    assert "Look at the contract for safeguard 1.2." in content
    assert "Binding and verified." in content and "Stated but not binding." in content
    assert "Test source, §2" in content
    for label in scoring.STATUS_LABELS.values():
        assert label in content
    assert 'name="a{}-version"'.format(answer(assessment, "C1-1").pk) in content


def test_page_lists_only_linked_evidence_under_a_criterion_and_offers_the_rest_once(
    client_for, alice, office, assessment, deployment
):
    contract = Evidence.objects.create(
        office=office, deployment=deployment, title="Contract", kind="document"
    )
    Evidence.objects.create(office=office, deployment=deployment, title="Memo", kind="web_page")
    other = make_deployment(office, alice, name="Other")
    Evidence.objects.create(office=office, deployment=other, title="Unrelated memo", kind="file")
    row = answer(assessment, "C1-2")
    row.link_evidence(contract, by=alice)
    content = client_for(alice).get(page(assessment)).content.decode()
    # One ticked box (the link of C1-2) in the form; the picker dialog lists both items once.
    assert content.count(f'name="a{row.pk}-evidence"') == 1
    assert len(re.findall(r'name="a\d+-evidence"', content)) == 1
    assert content.count("data-pick>") == 2
    assert "Unrelated memo" not in content
    assert content.count("None linked yet.") == 4


def test_evidence_titles_and_citations_are_escaped(
    client_for, alice, office, assessment, deployment
):
    evidence = Evidence.objects.create(
        office=office,
        deployment=deployment,
        title='<script>alert("t")</script>',
        citation="p. 4 <img src=x onerror=alert(1)>",
        kind="document",
    )
    answer(assessment, "C1-1").link_evidence(evidence, by=alice)
    content = client_for(alice).get(page(assessment)).content.decode()
    assert "<script>alert" not in content and "<img src=x" not in content
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;</label>" in content
    assert "p. 4 &lt;img src=x onerror=alert(1)&gt;</span>" in content


def test_a_linked_item_is_a_ticked_box_labelled_by_its_title_with_kind_and_link(
    client_for, alice, office, assessment, deployment
):
    Evidence.objects.create(office=office, deployment=deployment, title="Appendix", kind="file")
    first = Evidence.objects.create(
        office=office, deployment=deployment, title="Contract", citation="§4", kind="document"
    )
    row = answer(assessment, "C1-2")
    row.link_evidence(first, by=alice)
    content = client_for(alice).get(page(assessment)).content.decode()
    field = f"id_a{row.pk}-evidence_1"  # the second of the deployment's items, by title
    assert (
        f'<input type="checkbox" name="a{row.pk}-evidence" value="{first.pk}" '
        f'class="form-check-input" id="{field}" checked>'
        f'<label class="form-check-label" for="{field}">Contract</label>'
    ) in content
    assert '<span class="badge evidence-kind">Document</span>' in content
    assert f'href="{first.get_absolute_url()}">open' in content


def test_criterion_guides_are_rendered_once_and_then_served_from_the_cache(
    client_for, alice, assessment, django_assert_num_queries
):
    client = client_for(alice)
    first = client.get(page(assessment)).content.decode()
    with django_assert_num_queries(CATEGORY_PAGE_QUERIES):
        second = client.get(page(assessment)).content.decode()
    assert (
        first.split('<fieldset class="criterion scored-criterion"', 1)[1]
        == second.split('<fieldset class="criterion scored-criterion"', 1)[1]
    )
    assert "Look at the contract for safeguard 1.2." in second and "Test source, §2" in second


def test_page_shows_progress_per_category(client_for, alice, deployment, version):
    assessment = make_assessment(deployment, version, alice, answers={"C2-1": "met"})
    content = client_for(alice).get(page(assessment)).content.decode()
    assert "0 of 5 answered" in content and "1 of 5 answered" in content


@pytest.mark.parametrize("per_category", [5, 80])
def test_page_query_count_does_not_grow_with_criteria(
    client_for, alice, office, per_category, django_assert_num_queries
):
    version = make_framework(categories=3, per_category=per_category)
    deployment = make_deployment(office, alice)
    for n in range(3):
        Evidence.objects.create(office=office, deployment=deployment, title=f"E{n}", kind="file")
    assessment = make_assessment(deployment, version, alice, answers={"C1-1": "met"})
    client = client_for(alice)
    client.get(page(assessment))
    with django_assert_num_queries(CATEGORY_PAGE_QUERIES):
        response = client.get(page(assessment))
    assert response.status_code == 200


@pytest.mark.parametrize("per_category", [3, 40])
def test_a_returned_page_with_notes_and_questions_reads_each_once(
    client_for, alice, bob, office, per_category, django_assert_num_queries
):
    version = make_framework(categories=2, per_category=per_category)
    deployment = make_deployment(office, alice)
    answers = {criterion.code: "undisclosed" for criterion in version.criteria.all()}
    assessment = make_assessment(deployment, version, alice, answers=answers)
    req = request_for(assessment, alice, datetime.date(2027, 3, 3))
    requests.send(req, alice)
    workflow.submit(assessment, alice)
    review.raise_note(assessment, answer(assessment, "C1-2"), bob, "Which clause says so?")
    workflow.return_to_draft(assessment, bob, comment="C1-2 needs the contract clause.")
    client = client_for(alice)
    client.get(page(assessment))
    # + the answers' review state, their open notes, the return step, the questions asked
    with django_assert_num_queries(CATEGORY_PAGE_QUERIES + 4):
        html = client.get(page(assessment)).content.decode()
    assert "C1-2 needs the contract clause." in html
    assert "Which clause says so?" in html
    assert html.count("Asked of Pat Doe (Border agency)") == per_category


# Session, user, roles, assessment, categories, answers, the deployment's evidence, evidence
# links, progress. The assessment comes with whether anything is under review, the kind of
# its latest workflow step and whether its operator was asked anything: the answers' review
# state and open notes, the return comment and the questions asked are read only when there
# are any. The criteria's guides (and their references) come from the cache.
CATEGORY_PAGE_QUERIES = 9


# Saving -----------------------------------------------------------------------------------


def test_saving_a_page_saves_every_changed_answer_at_once(client_for, alice, assessment):
    data = page_data(
        assessment,
        C1_2={"status": "met", "rationale": "Clause 4 binds the vendor."},
        C1_3={"status": "undisclosed", "rationale": "Nothing public.", "recommendation": "Ask."},
    )
    response = client_for(alice).post(page(assessment), data)
    assert response["Location"] == page(assessment)
    second, third = answer(assessment, "C1-2"), answer(assessment, "C1-3")
    assert (second.status, second.version, second.updated_by) == ("met", 2, alice)
    assert (third.status, third.recommendation) == ("undisclosed", "Ask.")
    assert answer(assessment, "C1-4").version == 1


def test_each_changed_answer_writes_one_event_with_the_changed_fields(
    client_for, alice, assessment, deployment, office
):
    evidence = Evidence.objects.create(
        office=office, deployment=deployment, title="Contract", kind="document"
    )
    data = page_data(
        assessment,
        C1_2={"status": "met", "rationale": "Clause 4.", "evidence": [str(evidence.pk)]},
    )
    client_for(alice).post(page(assessment), data)
    event = Event.objects.get(action="answer.updated")
    assert event.assessment_id == assessment.pk
    assert event.actor == alice
    assert event.before == {
        "criterion": "C1-2",
        "status": "not_assessed",
        "rationale": "",
        "evidence": [],
    }
    assert event.after == {
        "criterion": "C1-2",
        "status": "met",
        "rationale": "Clause 4.",
        "evidence": [evidence.pk],
    }
    assert list(answer(assessment, "C1-2").evidence.all()) == [evidence]


def test_saving_without_changes_writes_nothing(client_for, alice, assessment):
    response = client_for(alice).post(page(assessment), page_data(assessment), follow=True)
    assert b"No changes to save." in response.content
    assert not Event.objects.filter(action="answer.updated").exists()


def test_a_page_changes_evidence_links_of_several_answers_at_once(
    client_for, alice, office, deployment, assessment
):
    first, second, third = (
        Evidence.objects.create(office=office, deployment=deployment, title=t, kind="document")
        for t in ("Contract", "Memo", "Release")
    )
    answer(assessment, "C1-1").link_evidence(first, by=alice)
    answer(assessment, "C1-1").link_evidence(second, by=alice)
    answer(assessment, "C1-2").link_evidence(first, by=alice)
    data = page_data(
        assessment,
        C1_1={"status": "met", "rationale": "Clause 4.", "evidence": [str(second.pk)]},
        C1_2={"status": "met", "rationale": "Clause 5.", "evidence": [str(third.pk)]},
        C1_3={"status": "met", "rationale": "Clause 6.", "evidence": [str(first.pk)]},
    )
    client_for(alice).post(page(assessment), data)
    linked = {code: answer(assessment, code).evidence_ids() for code in ("C1-1", "C1-2", "C1-3")}
    assert linked == {"C1-1": [second.pk], "C1-2": [third.pk], "C1-3": [first.pk]}
    saved = Event.objects.filter(action="answer.updated").order_by("seq")
    assert [event.after["evidence"] for event in saved] == [[second.pk], [third.pk], [first.pk]]


def test_the_events_of_a_saved_page_extend_a_chain_that_verifies(client_for, alice, assessment):
    data = page_data(
        assessment,
        **{f"C1_{n}": {"status": "not_met", "rationale": f"Gap {n}."} for n in range(2, 6)},
    )
    client_for(alice).post(page(assessment), data)
    events = list(Event.objects.filter(action="answer.updated").order_by("seq"))
    assert [event.after["criterion"] for event in events] == ["C1-2", "C1-3", "C1-4", "C1-5"]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    result = verify_chain()
    assert result.problem is None and result.head_hash == events[-1].hash


def test_model_refuses_evidence_of_another_deployment(alice, office, assessment):
    other = make_deployment(office, alice, name="Other")
    foreign = Evidence.objects.create(office=office, deployment=other, title="X", kind="file")
    row = answer(assessment, "C1-2")
    change = AnswerChange(row.pk, row.version, "met", "Clause 4.", "", evidence=(foreign.pk,))
    with pytest.raises(ValidationError, match="another deployment"):
        assessment.save_answers([change], by=alice)
    assert (answer(assessment, "C1-2").status, row.evidence.exists()) == ("not_assessed", False)
    assert not Event.objects.filter(action="answer.updated").exists()


# Session, user, roles, assessment, categories, answers, evidence links, the deployment's
# evidence (no progress: the save redirects); savepoint, lock, stored answers, their links,
# [one UPDATE per changed answer], one unlink, the evidence check, one link, the chain head,
# the events, the head's update, release. The message goes in a cookie: no session write.
SAVE_QUERIES_FIXED = 19


@pytest.mark.parametrize("changed", [1, 5])
def test_saving_a_page_costs_one_query_per_changed_answer_beyond_a_fixed_few(
    client_for, alice, office, deployment, assessment, changed, django_assert_num_queries
):
    old, new = (
        Evidence.objects.create(office=office, deployment=deployment, title=t, kind="document")
        for t in ("Contract", "Memo")
    )
    for n in range(1, 6):
        answer(assessment, f"C1-{n}").link_evidence(old, by=alice)
    client = client_for(alice)
    client.get(page(assessment))  # warm: the criteria's guides are cached by the first view
    changes = {
        f"C1_{n}": {"status": "met", "rationale": f"Clause {n}.", "evidence": [str(new.pk)]}
        for n in range(1, changed + 1)
    }
    data = page_data(assessment, **changes)
    with django_assert_num_queries(SAVE_QUERIES_FIXED + changed):
        response = client.post(page(assessment), data)
    assert response.status_code == 302
    assert Event.objects.filter(action="answer.updated").count() == changed


def test_save_and_next_goes_to_the_next_category(client_for, alice, assessment):
    data = page_data(assessment, C1_2={"status": "met", "rationale": "Clause 4."})
    response = client_for(alice).post(page(assessment, name="assessment_category_save_next"), data)
    assert response["Location"] == page(assessment, "C2")
    assert answer(assessment, "C1-2").status == "met"


def test_save_and_next_on_the_last_category_returns_to_the_overview(client_for, alice, assessment):
    url = page(assessment, "C3", name="assessment_category_save_next")
    response = client_for(alice).post(url, page_data(assessment, "C3"))
    assert response["Location"] == assessment.get_absolute_url()


def test_one_invalid_answer_saves_nothing_and_shows_errors_by_the_field(
    client_for, alice, assessment
):
    data = page_data(
        assessment,
        C1_2={"status": "met", "rationale": "Clause 4."},
        C1_3={"status": "not_met", "rationale": ""},
    )
    response = client_for(alice).post(page(assessment), data)
    assert response.status_code == 200
    content = response.content.decode()
    third = answer(assessment, "C1-3")
    field_id = f"id_a{third.pk}-rationale"
    assert 'class="error-summary"' in content
    assert f'href="#{field_id}"' in content
    assert f'aria-describedby="{field_id}-help {field_id}-error"' in content
    assert f'id="{field_id}-error">Give the rationale for this status.' in content
    assert answer(assessment, "C1-2").status == scoring.NOT_ASSESSED
    assert not Event.objects.filter(action="answer.updated").exists()


def test_a_missing_status_is_an_error_not_a_crash(client_for, alice, assessment):
    data = page_data(assessment)
    data.pop(f"a{answer(assessment, 'C1-1').pk}-status")
    response = client_for(alice).post(page(assessment), data)
    assert response.status_code == 200
    assert b"This field is required." in response.content


def test_a_forged_status_is_refused(client_for, alice, assessment):
    data = page_data(assessment, C1_2={"status": "excellent", "rationale": "Trust me."})
    response = client_for(alice).post(page(assessment), data)
    assert b"Select a valid choice." in response.content
    assert answer(assessment, "C1-2").status == scoring.NOT_ASSESSED


def test_evidence_of_another_deployment_cannot_be_linked(client_for, alice, office, assessment):
    other = make_deployment(office, alice, name="Other")
    foreign = Evidence.objects.create(office=office, deployment=other, title="X", kind="file")
    data = page_data(
        assessment, C1_2={"status": "met", "rationale": "Clause 4.", "evidence": [foreign.pk]}
    )
    response = client_for(alice).post(page(assessment), data)
    assert b"cannot be linked: it is retired or of another deployment." in response.content
    assert not answer(assessment, "C1-2").evidence.exists()


# The rules, in the form ---------------------------------------------------------------------


@pytest.mark.parametrize("status", ["met", "partial", "not_met", "undisclosed", "not_applicable"])
def test_rationale_is_required_for_every_status_but_not_assessed(
    client_for, alice, assessment, status
):
    data = page_data(assessment, C1_2={"status": status, "rationale": "  "})
    response = client_for(alice).post(page(assessment), data)
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert answer(assessment, "C1-2").status == scoring.NOT_ASSESSED


def test_not_assessed_needs_no_rationale(client_for, alice, assessment):
    data = page_data(assessment, C1_2={"recommendation": "Ask for the retention schedule."})
    response = client_for(alice).post(page(assessment), data)
    assert response.status_code == 302
    assert answer(assessment, "C1-2").recommendation == "Ask for the retention schedule."


def test_not_applicable_needs_a_justification(client_for, alice, assessment):
    data = page_data(assessment, C1_2={"status": "not_applicable", "rationale": "n/a"})
    response = client_for(alice).post(page(assessment), data)
    assert b"Justify why this criterion does not apply" in response.content
    assert answer(assessment, "C1-2").status == scoring.NOT_ASSESSED


def test_not_applicable_with_justification_is_saved(client_for, alice, assessment):
    data = page_data(
        assessment,
        C1_2={"status": "not_applicable", "rationale": "The contract covers no live video."},
    )
    client_for(alice).post(page(assessment), data)
    assert answer(assessment, "C1-2").status == scoring.NOT_APPLICABLE


def test_not_applicable_is_refused_on_a_red_line(client_for, alice, assessment):
    data = page_data(
        assessment,
        C1_1={"status": "not_applicable", "rationale": "We think it does not apply here."},
    )
    response = client_for(alice).post(page(assessment), data)
    assert b"A red-line criterion can never be not applicable" in response.content
    assert answer(assessment, "C1-1").status == scoring.NOT_ASSESSED


def test_a_gap_without_recommendation_is_saved_but_flagged(client_for, alice, assessment):
    data = page_data(assessment, C1_2={"status": "partial", "rationale": "Policy, not binding."})
    response = client_for(alice).post(page(assessment), data, follow=True)
    assert answer(assessment, "C1-2").status == scoring.PARTIAL
    assert b"Warning: this gap has no recommendation yet." in response.content


# The rules, in the model ---------------------------------------------------------------------


def test_model_refuses_a_status_without_rationale(assessment):
    row = answer(assessment, "C1-2")
    row.status = scoring.MET
    with pytest.raises(ValidationError):
        row.save()
    assert answer(assessment, "C1-2").status == scoring.NOT_ASSESSED


def test_model_refuses_not_applicable_on_a_red_line(assessment):
    row = answer(assessment, "C1-1")
    row.status, row.rationale = scoring.NOT_APPLICABLE, "Long enough justification."
    with pytest.raises(ValidationError) as error:
        row.clean()
    assert "status" in error.value.message_dict


def test_model_refuses_unjustified_not_applicable(assessment):
    row = answer(assessment, "C1-2")
    row.status, row.rationale = scoring.NOT_APPLICABLE, "no"
    with pytest.raises(ValidationError) as error:
        row.save()
    assert "rationale" in error.value.message_dict


def test_model_saves_a_valid_answer_of_a_draft(assessment):
    row = answer(assessment, "C1-2")
    row.status, row.rationale = scoring.MET, "Clause 4."
    row.save()
    assert answer(assessment, "C1-2").status == scoring.MET


def test_each_criterion_offers_saving_then_adding_evidence_for_it(client_for, alice, assessment):
    content = client_for(alice).get(page(assessment)).content.decode()
    url = reverse(
        "reviews:assessment_category_save_then_evidence", args=[assessment.pk, "C1", "C1-2"]
    )
    assert (
        f'formaction="{url}">Save and add evidence'
        '<span class="visually-hidden"> for C1-2</span></button>'
    ) in content


def test_evidence_linked_elsewhere_shows_up_checked(client_for, alice, office, assessment):
    evidence = Evidence.objects.create(
        office=office, deployment=assessment.deployment, title="Contract", kind="document"
    )
    answer(assessment, "C1-3").link_evidence(evidence, by=alice)
    content = client_for(alice).get(page(assessment)).content.decode()
    row = answer(assessment, "C1-3")
    assert (
        f'name="a{row.pk}-evidence" value="{evidence.pk}" class="form-check-input" '
        f'id="id_a{row.pk}-evidence_0" checked'
    ) in content
    assert f'name="a{row.pk}-version" value="2"' in content


# Nothing typed is lost on the way to adding evidence -------------------------------------


def test_save_then_evidence_saves_the_page_then_opens_the_evidence_form(
    client_for, alice, assessment
):
    data = page_data(assessment, C1_2={"status": "not_met", "rationale": "Typed, not saved."})
    url = reverse(
        "reviews:assessment_category_save_then_evidence", args=[assessment.pk, "C1", "C1-2"]
    )
    response = client_for(alice).post(url, data)
    assert response.status_code == 302
    assert answer(assessment, "C1-2").rationale == "Typed, not saved."
    target = response["Location"]
    assert target.startswith(reverse("reviews:evidence_create", args=[assessment.deployment_id]))
    assert "criterion=C1-2" in target
    assert "next=" + page(assessment).replace("/", "%2F") not in target  # a path, kept readable
    assert f"next={page(assessment)}%23criterion-C1-2" in target


def test_save_then_evidence_keeps_what_was_typed_when_the_page_is_refused(
    client_for, alice, assessment
):
    data = page_data(assessment, C1_2={"status": "not_met", "rationale": ""})
    data[f"a{answer(assessment, 'C1-1').pk}-rationale"] = "Kept on the page."
    url = reverse(
        "reviews:assessment_category_save_then_evidence", args=[assessment.pk, "C1", "C1-2"]
    )
    response = client_for(alice).post(url, data)
    assert response.status_code == 200
    assert "Kept on the page." in response.content.decode()


def test_each_criterion_has_a_heading_under_the_page_heading(client_for, alice, assessment):
    html = client_for(alice).get(page(assessment)).content.decode()
    assert html.index("<h1") < html.index('id="category-nav-heading"')
    code = answer(assessment, "C1-1").criterion.code
    assert f'<h2 class="h5 mb-0" id="criterion-{code}-heading">' in html
