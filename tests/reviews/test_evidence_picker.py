"""The evidence control of a category page (issue 13, point 16): the linked items under each
criterion, unlinking, the picker (its page without JavaScript) and the rules of linking."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.reviews.corrections import retire_evidence
from safeguards.reviews.models import Answer, Evidence
from tests.factories import make_assessment, make_deployment, make_framework

from .test_scoring_form import page_data


@pytest.fixture
def version(db):
    return make_framework()


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def assessment(deployment, version, alice):
    return make_assessment(deployment, version, alice)


@pytest.fixture
def items(office, deployment):
    """Three items of the deployment, by title: Appendix, Contract, Memo."""
    return {
        title: Evidence.objects.create(
            office=office, deployment=deployment, title=title, kind=kind, citation=citation
        )
        for title, kind, citation in (
            ("Contract", "document", "§4"),
            ("Memo", "correspondence", ""),
            ("Appendix", "file", "annex B"),
        )
    }


def answer(assessment, code):
    return Answer.objects.get(assessment=assessment, criterion__code=code)


def picker(assessment, criterion="C1-2", code="C1"):
    return reverse("reviews:assessment_category_evidence", args=[assessment.pk, code, criterion])


def category(assessment, code="C1"):
    return reverse("reviews:assessment_category", args=[assessment.pk, code])


# The picker page ---------------------------------------------------------------------------


def test_picker_page_offers_the_deployments_evidence_not_linked_yet(
    client_for, alice, assessment, items
):
    answer(assessment, "C1-2").link_evidence(items["Memo"], by=alice)
    response = client_for(alice).get(picker(assessment))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1" in content and "Link evidence to C1-2" in content
    offered = [box.data["value"] for box in response.context["form"]["evidence"]]
    assert offered == [items["Appendix"].pk, items["Contract"].pk]
    assert "2 items can be linked." in content
    # The linked one is listed above, not offered.
    linked = content.split("Linked already", 1)[1].split("Evidence of this deployment", 1)[0]
    assert "Memo" in linked


def test_picker_page_search_filters_by_title_citation_or_kind(client_for, alice, assessment, items):
    client = client_for(alice)
    for query, expected in (
        ("contract", ["Contract"]),
        ("ANNEX", ["Appendix"]),
        ("correspondence", ["Memo"]),
        ("nothing like it", []),
    ):
        response = client.get(picker(assessment), {"q": query})
        shown = [box.data["label"].title for box in response.context["form"]["evidence"]]
        assert shown == expected, query
    assert "Nothing matches “nothing like it”." in response.content.decode()


def test_picker_links_the_ticked_items_with_one_audit_event_and_returns_to_the_criterion(
    client_for, alice, assessment, items
):
    before = answer(assessment, "C1-2")
    response = client_for(alice).post(
        picker(assessment), {"evidence": [items["Contract"].pk, items["Memo"].pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == category(assessment) + "#criterion-C1-2"
    after = answer(assessment, "C1-2")
    assert sorted(after.evidence_ids()) == sorted([items["Contract"].pk, items["Memo"].pk])
    assert after.version == before.version + 1 and after.status == before.status
    event = Event.objects.get(action="answer.updated")
    assert event.actor == alice
    assert event.after["evidence"] == sorted([items["Contract"].pk, items["Memo"].pk])
    assert event.before["evidence"] == []
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Linked to C1-2: “Contract”, “Memo”."]


def test_picker_keeps_links_already_there(client_for, alice, assessment, items):
    answer(assessment, "C1-2").link_evidence(items["Memo"], by=alice)
    client_for(alice).post(picker(assessment), {"evidence": [items["Contract"].pk]})
    assert sorted(answer(assessment, "C1-2").evidence_ids()) == sorted(
        [items["Memo"].pk, items["Contract"].pk]
    )


def test_picker_with_nothing_ticked_says_so_by_the_field(client_for, alice, assessment, items):
    response = client_for(alice).post(picker(assessment), {})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["evidence"] == [
        "Tick at least one item to link, or go back without linking."
    ]
    assert 'id="id_evidence-error"' in response.content.decode()
    assert not answer(assessment, "C1-2").evidence.exists()


def test_retired_evidence_is_not_offered_nor_linkable(client_for, alice, assessment, items):
    retire_evidence(items["Memo"], alice, "Superseded by the final memo.")
    client = client_for(alice)
    response = client.get(picker(assessment))
    offered = [box.data["label"].title for box in response.context["form"]["evidence"]]
    assert offered == ["Appendix", "Contract"]
    response = client.post(picker(assessment), {"evidence": [items["Memo"].pk]})
    assert response.status_code == 200
    assert "cannot be linked" in response.context["form"].errors["evidence"][0]
    assert not answer(assessment, "C1-2").evidence.exists()
    # Nor through the category page's own form (a crafted post).
    data = page_data(assessment, C1_2={"evidence": [str(items["Memo"].pk)]})
    response = client.post(category(assessment), data)
    assert response.status_code == 200
    assert not answer(assessment, "C1-2").evidence.exists()
    assert "cannot be linked" in response.content.decode()


def test_retired_evidence_stays_linked_marked_retired_and_can_be_unlinked(
    client_for, alice, assessment, items
):
    row = answer(assessment, "C1-2")
    row.link_evidence(items["Memo"], by=alice)
    retire_evidence(items["Memo"], alice, "Superseded by the final memo.")
    client = client_for(alice)
    content = client.get(category(assessment)).content.decode()
    assert f'name="a{row.pk}-evidence" value="{items["Memo"].pk}"' in content
    assert '<span class="badge retired-badge">Retired</span>' in content
    # A save that keeps it is valid (it was linked already) ...
    data = page_data(assessment, C1_2={"status": "met", "rationale": "Memo."})
    assert client.post(category(assessment), data).status_code == 302
    assert answer(assessment, "C1-2").evidence_ids() == [items["Memo"].pk]
    # ... and unticking it unlinks it.
    data = page_data(assessment, C1_2={"evidence": []})
    assert client.post(category(assessment), data).status_code == 302
    assert answer(assessment, "C1-2").evidence_ids() == []
    # Not in the picker dialog for linking elsewhere.
    content = client.get(category(assessment)).content.decode()
    assert f'id="pick-{items["Memo"].pk}"' not in content
    assert f'id="pick-{items["Contract"].pk}"' in content


def test_model_refuses_linking_retired_evidence(alice, assessment, items):
    from django.core.exceptions import ValidationError

    retire_evidence(items["Memo"], alice, "Superseded by the final memo.")
    with pytest.raises(ValidationError, match="Retired evidence"):
        answer(assessment, "C1-2").link_evidence(Evidence.objects.get(pk=items["Memo"].pk), alice)


def test_evidence_of_another_deployment_is_refused_by_the_picker(
    client_for, alice, office, assessment, items
):
    other = make_deployment(office, alice, name="Other")
    foreign = Evidence.objects.create(office=office, deployment=other, title="X", kind="file")
    response = client_for(alice).post(picker(assessment), {"evidence": [foreign.pk]})
    assert response.status_code == 200
    assert "cannot be linked" in response.context["form"].errors["evidence"][0]
    assert not answer(assessment, "C1-2").evidence.exists()
    assert not Event.objects.filter(action="answer.updated").exists()


def test_unticking_a_linked_item_on_the_page_unlinks_it_with_an_audit_event(
    client_for, alice, assessment, items
):
    row = answer(assessment, "C1-3")
    row.link_evidence(items["Contract"], by=alice)
    row.link_evidence(items["Memo"], by=alice)
    data = page_data(assessment, C1_3={"evidence": [str(items["Memo"].pk)]})
    assert client_for(alice).post(category(assessment), data).status_code == 302
    assert answer(assessment, "C1-3").evidence_ids() == [items["Memo"].pk]
    event = Event.objects.filter(action="answer.updated").latest("pk")
    assert event.before["evidence"] == sorted([items["Contract"].pk, items["Memo"].pk])
    assert event.after["evidence"] == [items["Memo"].pk]


def test_an_item_added_by_the_picker_dialog_is_saved_with_the_page(
    client_for, alice, assessment, items
):
    """The dialog (app.js) only adds ticked boxes to the form: the page's Save keeps them."""
    data = page_data(
        assessment,
        C1_2={
            "status": "met",
            "rationale": "Typed.",
            "evidence": [str(items["Appendix"].pk), str(items["Contract"].pk)],
        },
    )
    assert client_for(alice).post(category(assessment), data).status_code == 302
    row = answer(assessment, "C1-2")
    assert (row.rationale, sorted(row.evidence_ids())) == (
        "Typed.",
        sorted([items["Appendix"].pk, items["Contract"].pk]),
    )


def test_a_refused_page_keeps_items_added_by_the_dialog_ticked(
    client_for, alice, assessment, items
):
    data = page_data(
        assessment,
        C1_2={"status": "not_met", "rationale": "", "evidence": [str(items["Contract"].pk)]},
    )
    response = client_for(alice).post(category(assessment), data)
    assert response.status_code == 200
    row = answer(assessment, "C1-2")
    assert f'name="a{row.pk}-evidence" value="{items["Contract"].pk}"' in (
        response.content.decode()
    )
    assert not row.evidence.exists()


# Saving first, then the picker (no typed answer lost) ----------------------------------------


def test_save_then_link_saves_the_page_then_opens_the_picker(client_for, alice, assessment, items):
    data = page_data(assessment, C1_2={"status": "not_met", "rationale": "Typed, not saved."})
    url = reverse("reviews:assessment_category_save_then_link", args=[assessment.pk, "C1", "C1-2"])
    response = client_for(alice).post(url, data)
    assert response.status_code == 302
    assert response["Location"] == picker(assessment)
    assert answer(assessment, "C1-2").rationale == "Typed, not saved."


def test_save_then_link_keeps_what_was_typed_when_the_page_is_refused(
    client_for, alice, assessment, items
):
    data = page_data(assessment, C1_2={"status": "not_met", "rationale": ""})
    data[f"a{answer(assessment, 'C1-1').pk}-rationale"] = "Kept on the page."
    url = reverse("reviews:assessment_category_save_then_link", args=[assessment.pk, "C1", "C1-2"])
    response = client_for(alice).post(url, data)
    assert response.status_code == 200
    assert "Kept on the page." in response.content.decode()
    assert answer(assessment, "C1-1").rationale == ""


def test_each_criterion_offers_link_evidence_as_a_submit_button(client_for, alice, assessment):
    content = client_for(alice).get(category(assessment)).content.decode()
    url = reverse("reviews:assessment_category_save_then_link", args=[assessment.pk, "C1", "C1-2"])
    assert f'formaction="{url}" data-evidence-picker="' in content
    assert 'data-criterion="C1-2" aria-haspopup="dialog">Link evidence' in content


def test_unknown_criterion_is_404(client_for, alice, assessment, items):
    client = client_for(alice)
    assert client.get(picker(assessment, criterion="C2-1")).status_code == 404
    url = reverse("reviews:assessment_category_save_then_link", args=[assessment.pk, "C1", "NOPE"])
    assert client.post(url, page_data(assessment)).status_code == 404


# Who may ------------------------------------------------------------------------------------


def test_viewers_and_outsiders_cannot_open_or_use_the_picker(
    client_for, victor, mallory, assessment, items
):
    assert client_for(victor).get(picker(assessment)).status_code == 403
    assert (
        client_for(victor).post(picker(assessment), {"evidence": [items["Memo"].pk]}).status_code
        == 403
    )
    assert client_for(mallory).get(picker(assessment)).status_code == 404
    assert not Answer.evidence.through.objects.exists()


def test_picker_of_an_assessment_in_review_links_nothing(
    client_for, alice, deployment, version, items
):
    in_review = make_assessment(deployment, version, alice, status="in_review")
    client = client_for(alice)
    response = client.get(picker(in_review))
    assert response.status_code == 302
    assert response["Location"] == category(in_review) + "#criterion-C1-2"
    response = client.post(picker(in_review), {"evidence": [items["Memo"].pk]})
    assert response.status_code == 302
    assert not Answer.evidence.through.objects.exists()


def test_read_only_page_lists_linked_evidence_with_kind_and_retired(
    client_for, alice, victor, assessment, items
):
    answer(assessment, "C1-2").link_evidence(items["Memo"], by=alice)
    retire_evidence(items["Memo"], alice, "Superseded by the final memo.")
    content = client_for(victor).get(category(assessment)).content.decode()
    assert "Memo" in content and "Correspondence" in content and "Retired" in content
    assert "evidence-picker" not in content and 'type="checkbox"' not in content
