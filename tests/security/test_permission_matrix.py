"""Who may do what, for every URL the project defines (DESIGN.md §1 and §4).

The URL list is read from the resolver, so a new page without an entry in MATRIX fails
`test_every_url_is_in_the_matrix`. Each request runs in a savepoint that is rolled back, so
one set of records serves every role; every request expected to change nothing is checked
against a snapshot of the database (rows, audit events, statuses, versions).
"""

import copy
import datetime
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeguards import scoring

from .conftest import db_state

ROLES = ("anon", "outsider", "viewer", "reviewer", "approver", "admin")
LOGIN = "login"  # a redirect to the sign-in page
SKIPPED_PREFIXES = ("admin/",)  # Django's admin guards itself (staff only)
MISSING_ID = 999_999


@dataclass(frozen=True)
class Rule:
    """Expected status per role (in ROLES order) for GET and POST.

    target: which record the URL's arguments point at (None: no arguments).
    data: builds a valid POST body from the records, so a refused POST is a real attempt.
    writes: roles whose POST is expected to change the database; every other request must not.
    """

    target: str | None
    get: tuple
    post: tuple
    data: Any = None
    writes: tuple[str, ...] = ()
    kwargs: dict = field(default_factory=dict)


def everyone(status):
    """Signed-in people of any office get `status`; the anonymous are sent to sign in."""
    return (LOGIN, status, status, status, status, status)


def office(outsider, viewer, reviewer, approver, admin):
    return (LOGIN, outsider, viewer, reviewer, approver, admin)


EDITORS = ("reviewer", "approver", "admin")
APPROVERS = ("approver", "admin")
READ = office(404, 200, 200, 200, 200)  # a record of the office: members read, outsiders 404
EDIT = office(404, 403, 200, 200, 200)  # the form to change it: editors only
GET_ONLY = office(405, 405, 405, 405, 405)  # downloads: POST is not a method they accept
POST_ONLY = office(405, 405, 405, 405, 405)  # actions: GET is not a method they accept
ADMIN_ONLY = office(403, 403, 403, 403, 200)  # office-wide pages: office admins only
ADMIN_NO_OUTSIDER = office(404, 403, 403, 403, 200)  # an office's own admin pages
PUBLIC = ("login", "set_password", "set_password_done")  # pages for people not signed in
JUMP = office(404, 302, 302, 302, 302)  # a redirect to the page of a record


# --- valid POST bodies ----------------------------------------------------------------------


def restriction_mark(w) -> dict:
    from safeguards.restricted.models import DEFAULT_REASONS

    answer = w.draft.answers.exclude(rationale="").order_by("pk").first()
    return {f"a{answer.pk}-rationale": DEFAULT_REASONS[0]}


def deployment_fields(w) -> dict:
    return {"name": "Renamed deployment", "operator": "Border agency"}


def deployment_edit(w) -> dict:
    return deployment_fields(w) | {"version": w.deployment.version}


def evidence_fields(w) -> dict:
    return {"title": "Press release", "kind": "web_page", "url": "https://example.org/pr"}


def evidence_correction(w) -> dict:
    return {"title": "Statement of work (signed)", "kind": "file", "retrieved_on": "2026-10-01"}


def reason(w) -> dict:
    return {"reason": "Entered twice by mistake."}


def start_fields(w) -> dict:
    return {
        "title": "Another assessment",
        "framework_version": w.framework.pk,
        "as_of": "2026-11-02",
    }


def reassess_fields(w) -> dict:
    return start_fields(w) | {"framework_version": w.draft.framework_version_id}


def evidence_pick(w) -> dict:
    """The picker page's post: link the deployment's evidence file to the criterion."""
    return {"evidence": [w.evidence.pk]}


def category_page(w) -> dict:
    """The draft's first category as loaded, with one answer changed."""
    data = {}
    for answer in w.draft.answers.filter(criterion__category__code="C1"):
        prefix = f"a{answer.pk}"
        data |= {
            f"{prefix}-status": answer.status,
            f"{prefix}-rationale": answer.rationale,
            f"{prefix}-recommendation": answer.recommendation,
            f"{prefix}-version": answer.version,
        }
        if answer.criterion.code == "C1-3":
            data[f"{prefix}-status"] = scoring.UNDISCLOSED
            data[f"{prefix}-rationale"] = "Nothing published about retention."
    return data


def comment(w) -> dict:
    return {"comment": "Clause 4 needs a citation."}


def executive_summary(w) -> dict:
    return {"executive_summary": "The agency bought a year of face search without a policy."}


def letterhead_fields(w) -> dict:
    return {
        "name": "Office of Inspector General",
        "address_line": "245 Murray Lane SW",
        "time_zone": "America/New_York",
        "paper_size": "letter",
        "attestation_text": "I approve this report.",
    }


def restriction_reason(w) -> dict:
    return {"label": "Sealed by court order"}


def restriction_reason_removal(w) -> dict:
    from safeguards.restricted.models import DEFAULT_REASONS

    return {"label": DEFAULT_REASONS[-1]}


def member_access(w) -> dict:
    return {"username": w.membership.user.username, "access": "public"}


def import_file(w) -> dict:
    doc = {
        "schema": "safeguards.assessment-import/1",
        "framework": {"slug": w.framework.framework.slug, "version": w.framework.version},
        "deployment": {"id": w.deployment.pk},
        "assessment": {"title": "Imported", "as_of": "2026-11-01"},
        "answers": [{"code": "C1-1", "status": "met", "rationale": "Clause 4."}],
    }
    return {"file": SimpleUploadedFile("import.json", json.dumps(doc).encode())}


def fingerprint(w) -> dict:
    return {"fingerprint": w.approved.report_versions.get().fingerprint}


def report_file(w) -> dict:
    version = w.approved.report_versions.get()
    return {"file": SimpleUploadedFile("report.json", version.canonical_json.encode())}


def invite_fields(w) -> dict:
    return {"username": "nina", "full_name": "Nina Novak", "role": "viewer"}


def role_fields(w) -> dict:
    return {f"m{w.membership.pk}-role": "viewer"}


def profile_fields(w) -> dict:
    return {"full_name": "A. Person", "title": "Analyst", "email": ""}


def assignment_fields(w) -> dict:
    data = {}
    for category in w.draft.framework_version.categories.all():
        data[f"c{category.pk}-assignee"] = ""
        data[f"c{category.pk}-due"] = ""
    first = w.draft.framework_version.categories.first()
    data[f"c{first.pk}-assignee"] = w.draft.created_by_id
    return data


def draft_answer(w):
    return w.draft.answers.get(criterion__code="C1-1")


def note_fields(w) -> dict:
    return {"answer": draft_answer(w).pk, "text": "Which clause says so?"}


def answer_field(w) -> dict:
    return {"answer": draft_answer(w).pk}


def reply_fields(w) -> dict:
    return {"text": "Clause 4 of the contract."}


def login_fields(w) -> dict:
    return {"username": "alice", "password": "wrong password"}


def recommendation_fields(w) -> dict:
    return {
        "priority": "high",
        "agency_response": "concur",
        "agency_response_text": "We agree and will publish the policy.",
        "agency_response_date": "2026-11-20",
        "agreed_action": "Publish the retention policy.",
        "responsible_official": "Chief Privacy Officer",
        "target_date": "2027-03-01",
        "owner": w.recommendation.owner_id or "",
        "version": w.recommendation.version,
    }


def dated_note(w) -> dict:
    return {"on": "2026-11-20", "text": "Letter from the agency received."}


def closing(w) -> dict:
    evidence = w.recommendation.deployment.evidence.order_by("pk").first()
    return dated_note(w) | {"outcome": "close_implemented", "evidence": [evidence.pk]}


def superseding(w) -> dict:
    return dated_note(w) | {"superseded_by": w.resolvable.number}


def request_fields(w) -> dict:
    return {
        "recipient_name": "Pat Doe",
        "recipient_organisation": "Border agency",
        "recipient_email": "",
        "due_on": "2027-03-03",
        "covering_letter": "Please answer these questions.",
    }


def question_text(w) -> dict:
    return {"text": "Who may search citizens?"}


def respondent_invite(w) -> dict:
    return {"username": "pat", "full_name": "Pat Doe", "email": ""}


def filled_request(w) -> dict:
    doc = {
        "schema": "safeguards.information-request/1",
        "request": {"number": w.sent_request.number},
        "questions": [{"number": w.sent_question.number, "answer": "Kept for 30 days."}],
    }
    return {"file": SimpleUploadedFile("answers.json", json.dumps(doc).encode())}


def recorded_answer(w) -> dict:
    return {"text": "Kept for 30 days, says the letter.", "received_on": "2027-02-01"}


def send_draft(w) -> dict:
    return {"respondent": w.respondent.pk}


def draft_comments(w) -> dict:
    return {
        "overall": "We concur in part.",
        "overall_reply": "Noted.",
        "received_on": "2027-02-01",
    }


def respondent_answer(w) -> dict:
    return {f"q{w.sent_question.pk}-text": "Kept for 30 days."}


# --- the matrix -----------------------------------------------------------------------------
# Roles: anon, outsider (a reviewer of another office), viewer, reviewer, approver, admin.

MATRIX: dict[str, Rule] = {
    "home": Rule(None, everyone(200), everyone(200)),
    "login": Rule(None, (200, *[302] * 5), (200, *[302] * 5), data=login_fields),
    "logout": Rule(None, everyone(405), everyone(302)),
    "password_change": Rule(None, everyone(200), everyone(200)),
    "password_change_done": Rule(None, everyone(200), everyone(405)),
    "offices": Rule(None, everyone(200), everyone(200)),
    # Frameworks are shared reference data: every signed-in user reads them; nobody writes.
    "catalog:framework_list": Rule(None, everyone(200), everyone(200)),
    "catalog:framework": Rule("framework", everyone(302), everyone(302)),
    "catalog:framework_version": Rule("framework", everyone(200), everyone(200)),
    # The office log is for office admins; a member of another office is refused, not shown it.
    "audit:office_log": Rule(None, ADMIN_ONLY, ADMIN_ONLY),
    "audit:office_log_csv": Rule(None, ADMIN_ONLY, GET_ONLY),
    "audit:assessment_history": Rule("draft", READ, READ),
    "audit:deployment_history": Rule("deployment", READ, READ),
    "reviews:deployment_list": Rule(None, everyone(200), everyone(200)),
    # The outsider is a reviewer in her own office, so she may create there.
    "reviews:deployment_create": Rule(
        None,
        office(200, 403, 200, 200, 200),
        office(302, 403, 302, 302, 302),
        data=deployment_fields,
        writes=("outsider", *EDITORS),
    ),
    "reviews:deployment": Rule("deployment", READ, READ),
    "reviews:deployment_edit": Rule(
        "deployment",
        EDIT,
        office(404, 403, 302, 302, 302),
        data=deployment_edit,
        writes=EDITORS,
    ),
    "reviews:evidence_list": Rule("deployment", READ, READ),
    "reviews:evidence_create": Rule(
        "deployment",
        EDIT,
        office(404, 403, 302, 302, 302),
        data=evidence_fields,
        writes=EDITORS,
    ),
    "reviews:evidence": Rule("evidence", READ, READ),
    "reviews:evidence_download": Rule("evidence", READ, READ),
    # Imports go into the user's own office; a deployment id of another office is refused (400).
    "reviews:import_assessment": Rule(
        None,
        office(200, 403, 200, 200, 200),
        office(400, 403, 302, 302, 302),
        data=import_file,
        writes=EDITORS,
    ),
    "reviews:assessment_list": Rule(None, everyone(200), everyone(200)),
    "reviews:assessment_create": Rule(
        "deployment",
        EDIT,
        office(404, 403, 302, 302, 302),
        data=start_fields,
        writes=EDITORS,
    ),
    "reviews:assessment": Rule("draft", READ, READ),
    "reviews:assessment_category": Rule(
        "draft",
        READ,
        office(404, 403, 302, 302, 302),
        data=category_page,
        writes=EDITORS,
        kwargs={"code": "C1"},
    ),
    "reviews:assessment_category_save_next": Rule(
        "draft",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=category_page,
        writes=EDITORS,
        kwargs={"code": "C1"},
    ),
    "reviews:assessment_category_save_then_evidence": Rule(
        "draft",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=category_page,
        writes=EDITORS,
        kwargs={"code": "C1", "criterion": "C1-1"},
    ),
    "reviews:assessment_category_save_then_link": Rule(
        "draft",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=category_page,
        writes=EDITORS,
        kwargs={"code": "C1", "criterion": "C1-1"},
    ),
    # The evidence picker page of one criterion: editors only; linking returns to the page.
    "reviews:assessment_category_evidence": Rule(
        "draft",
        EDIT,
        office(404, 403, 302, 302, 302),
        data=evidence_pick,
        writes=EDITORS,
        kwargs={"code": "C1", "criterion": "C1-1"},
    ),
    "reviews:assessment_category_resolve": Rule(
        "draft",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=category_page,
        writes=EDITORS,
        kwargs={"code": "C1"},
    ),
    "reviews:assessment_next_unanswered": Rule("draft", JUMP, JUMP),
    "reviews:assessment_executive_summary": Rule(
        "draft",
        EDIT,
        office(404, 403, 302, 302, 302),
        data=executive_summary,
        writes=EDITORS,
    ),
    # Submitting an incomplete draft is refused with a message (302 back, nothing changed).
    "reviews:assessment_submit": Rule("draft", POST_ONLY, office(404, 403, 302, 302, 302)),
    "reviews:assessment_return": Rule(
        "in_review",
        office(404, 403, 403, 200, 200),
        office(404, 403, 403, 302, 302),
        data=comment,
        writes=APPROVERS,
    ),
    # bob and olga scored nothing in it, so either may approve.
    "reviews:assessment_approve": Rule(
        "in_review",
        office(404, 403, 403, 200, 200),
        office(404, 403, 403, 302, 302),
        data=lambda w: {"confirm": "on", "note": "Reviewed in full."},
        writes=APPROVERS,
    ),
    "reviews:assessment_reopen": Rule(
        "approved",
        office(404, 403, 403, 200, 200),
        office(404, 403, 403, 302, 302),
        data=comment,
        writes=APPROVERS,
    ),
    "reviews:assessment_reassess": Rule(
        "draft",
        EDIT,
        office(404, 403, 302, 302, 302),
        data=reassess_fields,
        writes=EDITORS,
    ),
    "reports:assessment_report": Rule("approved", READ, GET_ONLY),
    "reports:pdf": Rule("approved", READ, GET_ONLY),
    "reports:summary_pdf": Rule("approved", READ, GET_ONLY),
    "reports:docx": Rule("approved", READ, GET_ONLY),
    "reports:json": Rule("approved", READ, GET_ONLY),
    "reports:csv": Rule("approved", READ, GET_ONLY),
    "reports:version_pdf": Rule("approved", READ, GET_ONLY, kwargs={"number": 1}),
    "reports:version_json": Rule("approved", READ, GET_ONLY, kwargs={"number": 1}),
    "reports:version_csv": Rule("approved", READ, GET_ONLY, kwargs={"number": 1}),
    # The letterhead is the office admin's; a member of another office gets 404.
    "reports:office_letterhead": Rule(
        "office",
        office(404, 403, 403, 403, 200),
        office(404, 403, 403, 403, 302),
        data=letterhead_fields,
        writes=("admin",),
    ),
    # Restricted marks: members see them; editors change them until approval.
    "restricted:assessment": Rule("draft", READ, GET_ONLY),
    "restricted:save": Rule(
        "draft",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=restriction_mark,
        writes=EDITORS,
    ),
    # The office's reasons and who sees public versions only: its admin's.
    "restricted:office": Rule(
        "office",
        ADMIN_NO_OUTSIDER,
        office(404, 403, 403, 403, 302),
        data=restriction_reason,
        writes=("admin",),
    ),
    "restricted:remove_reason": Rule(
        "office",
        POST_ONLY,
        office(404, 403, 403, 403, 302),
        data=restriction_reason_removal,
        writes=("admin",),
    ),
    "restricted:member_access": Rule(
        "office",
        POST_ONLY,
        office(404, 403, 403, 403, 302),
        data=member_access,
        writes=("admin",),
    ),
    # Trust anchors are published: anyone, signed in or not, may fetch them.
    "signing:trust_anchor_pem": Rule(None, (200,) * 6, (405,) * 6, kwargs={"slug": "oig"}),
    "signing:trust_anchor_fdf": Rule(None, (200,) * 6, (405,) * 6, kwargs={"slug": "oig"}),
    # Verification is public, signed out too; a non-member learns only "office X issued vN".
    "reports:verify": Rule(None, (200,) * 6, (405,) * 6),
    "verify_short": Rule(None, (200,) * 6, (405,) * 6, kwargs={"fingerprint": "0" * 64}),
    "reports:verify_fingerprint": Rule(None, (405,) * 6, (200,) * 6, data=fingerprint),
    "reports:verify_file": Rule(None, (405,) * 6, (200,) * 6, data=report_file),
    # Members are managed by the office's admins; the outsider cannot tell the office exists.
    "members": Rule(None, ADMIN_NO_OUTSIDER, everyone(405), kwargs={"slug": "oig"}),
    "member_invite": Rule(
        None,
        everyone(405),
        office(404, 403, 403, 403, 200),
        data=invite_fields,
        writes=("admin",),
        kwargs={"slug": "oig"},
    ),
    "member_role": Rule(
        "membership",
        everyone(405),
        office(404, 403, 403, 403, 302),
        data=role_fields,
        writes=("admin",),
    ),
    "member_remove": Rule(
        "membership", ADMIN_NO_OUTSIDER, office(404, 403, 403, 403, 302), writes=("admin",)
    ),
    # Everyone edits their own profile.
    "profile": Rule(
        None,
        everyone(200),
        everyone(302),
        data=profile_fields,
        writes=("outsider", "viewer", "reviewer", "approver", "admin"),
    ),
    # The one-time link of an invitation works without signing in; a wrong one says so.
    "set_password": Rule(
        None, (200,) * 6, (200,) * 6, kwargs={"uidb64": "MQ", "token": "not-a-token"}
    ),
    "set_password_done": Rule(None, (200,) * 6, (405,) * 6),
    # Team work: anyone of the office reads who has what and the notes; editors change them.
    "team:assignments": Rule(
        "draft", READ, office(404, 403, 302, 302, 302), data=assignment_fields, writes=EDITORS
    ),
    "team:notes": Rule("draft", READ, everyone(405)),
    "team:note_raise": Rule(
        "draft", POST_ONLY, office(404, 403, 302, 302, 302), data=note_fields, writes=EDITORS
    ),
    # alice saved the answer, so only someone else may mark it reviewed.
    "team:answer_reviewed": Rule(
        "draft", POST_ONLY, office(404, 403, 302, 302, 302), data=answer_field, writes=APPROVERS
    ),
    "team:note_reply": Rule(
        "note", POST_ONLY, office(404, 403, 302, 302, 302), data=reply_fields, writes=EDITORS
    ),
    # Only its author (bob) clears a note.
    "team:note_clear": Rule(
        "note", POST_ONLY, office(404, 403, 403, 302, 403), writes=("approver",)
    ),
    # Notifications are personal: each person reads and marks only their own (alice's here).
    "notifications:list": Rule(None, everyone(200), everyone(405)),
    # Search reads only the user's own offices (tests/search): everyone signed in gets a page.
    "search:results": Rule(None, everyone(200), everyone(405)),
    "notifications:read_all": Rule(None, everyone(405), everyone(302), writes=("reviewer",)),
    "notifications:open": Rule(
        "notification",
        everyone(405),
        office(404, 404, 302, 404, 404),
        writes=("reviewer",),
    ),
    # Follow-up: members read the register, compare and portfolio; reviewers record responses,
    # notes and resolutions; approvers close and supersede.
    "followup:register": Rule(None, everyone(200), everyone(405)),
    "followup:register_csv": Rule(None, everyone(200), everyone(405)),
    "followup:recommendation": Rule("recommendation", READ, GET_ONLY),
    "followup:recommendation_edit": Rule(
        "recommendation",
        EDIT,
        office(404, 403, 302, 302, 302),
        data=recommendation_fields,
        writes=EDITORS,
    ),
    "followup:recommendation_note": Rule(
        "recommendation", EDIT, office(404, 403, 302, 302, 302), data=dated_note, writes=EDITORS
    ),
    "followup:recommendation_resolve": Rule(
        "resolvable", EDIT, office(404, 403, 302, 302, 302), data=dated_note, writes=EDITORS
    ),
    "followup:recommendation_reopen": Rule(
        "resolved", EDIT, office(404, 403, 302, 302, 302), data=dated_note, writes=EDITORS
    ),
    "followup:recommendation_close": Rule(
        "recommendation",
        office(404, 403, 403, 200, 200),
        office(404, 403, 403, 302, 302),
        data=closing,
        writes=APPROVERS,
    ),
    "followup:recommendation_supersede": Rule(
        "recommendation",
        office(404, 403, 403, 200, 200),
        office(404, 403, 403, 302, 302),
        data=superseding,
        writes=APPROVERS,
    ),
    "followup:compare": Rule("approved_deployment", READ, GET_ONLY),
    "followup:compare_csv": Rule("approved_deployment", READ, GET_ONLY),
    "followup:compare_json": Rule("approved_deployment", READ, GET_ONLY),
    "followup:portfolio": Rule(None, everyone(200), everyone(405)),
    "followup:portfolio_csv": Rule(None, everyone(200), everyone(405)),
    # Information requests: members read them and their exports; editors make, edit, send,
    # invite a respondent, record and import answers.
    "followup:requests": Rule(None, everyone(200), everyone(405)),
    "followup:request_create": Rule(
        "draft", EDIT, office(404, 403, 302, 302, 302), data=request_fields, writes=EDITORS
    ),
    "followup:request": Rule("info_request", READ, GET_ONLY),
    "followup:request_edit": Rule(
        "info_request", EDIT, office(404, 403, 302, 302, 302), data=request_fields, writes=EDITORS
    ),
    "followup:question_add": Rule(
        "info_request",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=question_text,
        writes=EDITORS,
    ),
    "followup:request_send": Rule(
        "info_request", POST_ONLY, office(404, 403, 302, 302, 302), writes=EDITORS
    ),
    "followup:respondent_invite": Rule(
        "info_request",
        POST_ONLY,
        office(404, 403, 200, 200, 200),
        data=respondent_invite,
        writes=EDITORS,
    ),
    "followup:answers_import": Rule(
        "sent_request",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=filled_request,
        writes=EDITORS,
    ),
    "followup:request_letter_pdf": Rule("info_request", READ, GET_ONLY),
    "followup:request_letter_docx": Rule("info_request", READ, GET_ONLY),
    "followup:request_json": Rule("info_request", READ, GET_ONLY),
    "followup:question_edit": Rule(
        "question", EDIT, office(404, 403, 302, 302, 302), data=question_text, writes=EDITORS
    ),
    "followup:question_drop": Rule(
        "question", POST_ONLY, office(404, 403, 302, 302, 302), writes=EDITORS
    ),
    "followup:question_restore": Rule(
        "dropped_question", POST_ONLY, office(404, 403, 302, 302, 302), writes=EDITORS
    ),
    "followup:answer_record": Rule(
        "sent_question",
        EDIT,
        office(404, 403, 302, 302, 302),
        data=recorded_answer,
        writes=EDITORS,
    ),
    # The respondent's pages: the office's own people are not the respondent, so 404 (their
    # list is empty). What the respondent gets is in RESPONDENT below.
    "respond:requests": Rule(None, everyone(200), everyone(405)),
    "respond:request": Rule("sent_request", office(404, 404, 404, 404, 404), GET_ONLY),
    "respond:submit": Rule("sent_request", POST_ONLY, office(404, 404, 404, 404, 404)),
    "respond:letter_pdf": Rule("sent_request", office(404, 404, 404, 404, 404), GET_ONLY),
    "respond:request_json": Rule("sent_request", office(404, 404, 404, 404, 404), GET_ONLY),
    "respond:answer": Rule(
        "sent_question", POST_ONLY, office(404, 404, 404, 404, 404), data=respondent_answer
    ),
    "respond:file": Rule("attachment", office(404, 404, 404, 404, 404), GET_ONLY),
    # Drafts for comment: editors freeze, send and record; members read and export.
    "followup:draft_freeze": Rule(
        "draft", POST_ONLY, office(404, 403, 302, 302, 302), writes=EDITORS
    ),
    "followup:draft_comment": Rule("sent_draft", READ, GET_ONLY),
    "followup:draft_send": Rule(
        "draft_comment",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=send_draft,
        writes=EDITORS,
    ),
    "followup:draft_record": Rule(
        "sent_draft",
        POST_ONLY,
        office(404, 403, 302, 302, 302),
        data=draft_comments,
        writes=EDITORS,
    ),
    "followup:draft_pdf": Rule("sent_draft", READ, GET_ONLY),
    "respond:draft": Rule("sent_draft", office(404, 404, 404, 404, 404), GET_ONLY),
    "respond:draft_save": Rule(
        "sent_draft", POST_ONLY, office(404, 404, 404, 404, 404), data=draft_comments
    ),
    "respond:draft_submit": Rule("sent_draft", POST_ONLY, office(404, 404, 404, 404, 404)),
    # Corrections: editors edit and retire evidence, archive and restore; members read the
    # earlier files of evidence like its current one.
    "reviews:evidence_edit": Rule(
        "evidence", EDIT, office(404, 403, 302, 302, 302), data=evidence_correction, writes=EDITORS
    ),
    "reviews:evidence_retire": Rule(
        "evidence", EDIT, office(404, 403, 302, 302, 302), data=reason, writes=EDITORS
    ),
    "reviews:evidence_earlier_file": Rule("earlier_file", READ, GET_ONLY),
    "reviews:deployment_archive": Rule(
        "deployment", EDIT, office(404, 403, 302, 302, 302), data=reason, writes=EDITORS
    ),
    "reviews:deployment_restore": Rule(
        "archived_deployment", POST_ONLY, office(404, 403, 302, 302, 302), writes=EDITORS
    ),
    "reviews:assessment_archive": Rule(
        "draft", EDIT, office(404, 403, 302, 302, 302), data=reason, writes=EDITORS
    ),
    "reviews:assessment_restore": Rule(
        "archived_assessment", POST_ONLY, office(404, 403, 302, 302, 302), writes=EDITORS
    ),
}


# --- walking the URLs -----------------------------------------------------------------------


def project_urls(resolver=None, namespace: str = "", prefix: str = ""):
    """(name, route, pattern) for every URL pattern, recursively, without the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_urls(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, route, pattern


@dataclass
class World:
    framework: Any
    deployment: Any
    draft: Any
    in_review: Any
    approved: Any
    evidence: Any
    notification: Any = None
    membership: Any = None
    note: Any = None
    # Recommendations numbered at the approval of `approved`: an open one, one whose agency
    # agreed an action (so it can be resolved), and one resolved (so it can be reopened).
    recommendation: Any = None
    resolvable: Any = None
    resolved: Any = None
    # Information requests of the draft: one being prepared, one sent to the respondent, and
    # one of the same deployment sent to nobody (the respondent must not reach it either).
    info_request: Any = None
    question: Any = None
    dropped_question: Any = None
    sent_request: Any = None
    sent_question: Any = None
    other_request: Any = None
    attachment: Any = None
    respondent: Any = None
    # A draft frozen for comment, and one sent to the respondent.
    draft_comment: Any = None
    sent_draft: Any = None
    # Corrections: an archived deployment and assessment (to restore), a replaced file.
    archived_deployment: Any = None
    archived_assessment: Any = None
    earlier_file: Any = None

    @property
    def approved_deployment(self):
        return self.approved.deployment


@pytest.fixture
def world(
    framework, deployment, draft, in_review, approved, evidence_file, alice, bob, victor, olga
):
    from safeguards.followup.models import Recommendation
    from safeguards.notifications import notify

    w = World(framework, deployment, draft, in_review, approved, evidence_file)
    w.membership = alice.memberships.get()
    from safeguards.team import review

    w.note = review.raise_note(draft, draft.answers.get(criterion__code="C1-2"), bob, "Source?")
    (w.notification,) = notify(
        [alice], "assigned", "C1 is yours", url="/", office=deployment.office
    )
    recs = list(Recommendation.objects.filter(deployment=approved.deployment).order_by("serial"))
    agreed = {
        "agreed_action": "Publish the policy.",
        "responsible_official": "Chief Privacy Officer",
        "target_date": datetime.date(2027, 3, 1),
    }
    Recommendation.objects.filter(pk__in=[recs[1].pk, recs[2].pk]).update(**agreed)
    Recommendation.objects.filter(pk=recs[2].pk).update(status="resolved")
    w.recommendation, w.resolvable, w.resolved = recs[:3]
    add_requests(w, alice)
    from safeguards.reviews import corrections
    from safeguards.reviews.models import EvidenceFile
    from tests.factories import make_assessment, make_deployment

    w.archived_deployment = make_deployment(deployment.office, alice, name="Duplicate")
    corrections.archive(w.archived_deployment, alice, "Created twice.")
    w.archived_assessment = make_assessment(w.archived_deployment, framework, alice)
    corrections.archive(w.archived_assessment, alice, "Created twice.")
    w.earlier_file = EvidenceFile.objects.create(
        office=deployment.office,
        evidence=evidence_file,
        file=evidence_file.file.name,
        file_name="sow-draft.pdf",
        file_size=evidence_file.file_size,
        file_sha256="1" * 64,
        file_type="application/pdf",
    )
    return w


def add_requests(w, alice) -> None:
    from safeguards.followup import requests
    from safeguards.followup.models import Attachment
    from tests.conftest import make_member

    w.respondent = make_member(w.deployment.office, "rita", "respondent")
    letter = {"due_on": datetime.date(2027, 3, 3), "covering_letter": "Please answer."}
    to = {"name": "Rita Roe", "organisation": "Border agency", "email": ""}
    w.info_request = requests.create(w.draft, alice, recipient=to, **letter)
    w.question = requests.add_question(w.info_request, alice, "Where is the policy?")
    w.dropped_question = requests.add_question(w.info_request, alice, "Not to be sent")
    requests.set_dropped(w.dropped_question, alice, True)
    w.sent_request = requests.create(w.draft, alice, recipient=to, **letter)
    w.sent_question = requests.add_question(w.sent_request, alice, "How long are photos kept?")
    type(w.sent_request).objects.filter(pk=w.sent_request.pk).update(respondent=w.respondent)
    requests.send(w.sent_request, alice)
    w.sent_question.refresh_from_db()
    w.other_request = requests.create(w.draft, alice, recipient=to, **letter)
    requests.add_question(w.other_request, alice, "Another question for someone else")
    requests.send(w.other_request, alice)
    w.attachment = Attachment(
        question=w.sent_question,
        file_name="notes.txt",
        file_size=5,
        file_sha256="0" * 64,
        file_type="text/plain",
        uploaded_by=w.respondent,
    )
    w.attachment.file.save("notes.txt", ContentFile(b"notes"))
    from safeguards.followup import comments

    w.draft_comment = comments.freeze(w.draft, alice)
    w.sent_draft = comments.freeze(w.draft, alice)
    comments.send(w.sent_draft, alice, w.respondent)


def url_for(name: str, rule: Rule, w: World, missing: bool = False) -> str:
    kwargs = dict(rule.kwargs)
    if rule.target == "framework":
        kwargs["slug"] = w.framework.framework.slug
        if name.endswith("framework_version"):
            kwargs["version"] = w.framework.version
    elif rule.target == "office":
        kwargs["slug"] = "no-such-office" if missing else w.deployment.office.slug
    elif rule.target is not None:
        kwargs["pk"] = MISSING_ID if missing else getattr(w, rule.target).pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def clients(alice, bob, victor, olga, mallory) -> dict[str, Client]:
    people = {"outsider": mallory, "viewer": victor, "reviewer": alice, "approver": bob}
    people["admin"] = olga
    signed_in = {}
    for role, user in people.items():
        signed_in[role] = Client()
        signed_in[role].force_login(user)
    return {"anon": Client(), **signed_in}


def attempt(client: Client, method: str, url: str, data: dict | None):
    """One request inside a savepoint that is rolled back: (response, database changed?).

    The client's cookies are restored too, so signing out does not sign out the next request.
    """
    before, cookies = db_state(), copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, data or {})
        changed = db_state() != before
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, changed


def problem(response, expected, changed: bool, may_write: bool) -> str | None:
    status = response.status_code
    if expected == LOGIN:
        location = response.get("Location", "")
        if status != 302 or not location.startswith(reverse("login") + "?next="):
            return f"expected a redirect to sign in, got {status} {location}"
    elif status != expected:
        return f"expected {expected}, got {status}"
    if changed and not may_write:
        return f"changed the database ({status})"
    if may_write and not changed:
        return f"was allowed ({status}) but saved nothing"
    return None


# --- the tests ------------------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    missing = []
    for name, route, _ in project_urls():
        if name is None:
            missing.append(f"/{route} has no name: give it one, then add it to MATRIX")
        elif name not in MATRIX:
            missing.append(
                f"{name} (/{route}) is not in MATRIX of tests/security/test_permission_matrix.py:"
                " add a Rule saying what each role gets for GET and POST"
            )
    assert not missing, "\n".join(missing)


def test_matrix_has_no_entries_for_urls_that_are_gone():
    names = {name for name, _, _ in project_urls()}
    assert sorted(set(MATRIX) - names) == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_rules_allow(role, world, clients):
    failures = []
    for name, rule in MATRIX.items():
        url = url_for(name, rule, world)
        for method in ("get", "post"):
            expected = getattr(rule, method)[ROLES.index(role)]
            data = rule.data(world) if (method == "post" and rule.data) else None
            response, changed = attempt(clients[role], method, url, data)
            may_write = method == "post" and role in rule.writes
            found = problem(response, expected, changed, may_write)
            if found:
                failures.append(f"{method.upper()} {name} as {role}: {found}")
    assert not failures, "\n".join(failures)


# Published on purpose: an office's signing trust anchor is for readers without an account.
PUBLISHED = {
    "signing:trust_anchor_pem",
    "signing:trust_anchor_fdf",
    # Public verification: what it says to a non-member is tested in reports/test_verify_public.
    "reports:verify",
    "reports:verify_fingerprint",
    "reports:verify_file",
    "verify_short",
}


def test_anonymous_never_gets_a_page_with_data(world, clients):
    for name, rule in MATRIX.items():
        if name in PUBLIC or name in PUBLISHED:
            continue
        url = url_for(name, rule, world)
        for method in ("get", "post"):
            response, changed = attempt(clients["anon"], method, url, None)
            assert response.status_code in (302, 405), f"{method} {name}"
            assert not changed


def test_outsiders_cannot_tell_a_record_exists(world, clients):
    """For every object URL, another office's member gets exactly what a missing id gets."""
    for name, rule in MATRIX.items():
        if rule.target in (None, "framework"):
            continue
        for method in ("get", "post"):
            data = rule.data(world) if (method == "post" and rule.data) else None
            outsider = clients["outsider"]
            real, changed = attempt(outsider, method, url_for(name, rule, world), data)
            missing, _ = attempt(outsider, method, url_for(name, rule, world, True), data)
            assert real.status_code in (404, 405), f"{method} {name}"
            assert real.status_code == missing.status_code, f"{method} {name}"
            assert not changed, f"{method} {name}"


def test_a_post_without_the_csrf_token_is_refused_everywhere(world, alice):
    """Every URL that takes a POST refuses one without the CSRF token, before anything runs."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    for name, rule in MATRIX.items():
        if rule.post[ROLES.index("reviewer")] == 405:
            continue
        data = rule.data(world) if rule.data else None
        response, changed = attempt(client, "post", url_for(name, rule, world), data)
        assert response.status_code == 403, name
        assert not changed, name


# --- the respondent -------------------------------------------------------------------------
# A person at the operator (rita, respondent of `sent_request`) gets (GET, POST) below and 404
# for every other URL of the project, including the other request of the same deployment.

RESPONDENT: dict[str, tuple] = {
    "home": (302, 302),  # sent on to their requests
    "login": (302, 302),
    "logout": (405, 302),
    "password_change": (200, 200),
    "password_change_done": (200, 405),
    "set_password": (200, 200),
    "set_password_done": (200, 405),
    "profile": (200, 302),
    "notifications:list": (200, 405),
    "notifications:read_all": (405, 302),
    "notifications:open": (405, 404),  # alice's notification
    "signing:trust_anchor_pem": (200, 405),
    "signing:trust_anchor_fdf": (200, 405),
    "respond:requests": (200, 405),
    "respond:request": (200, 405),
    "respond:submit": (405, 302),
    "respond:letter_pdf": (200, 405),
    "respond:request_json": (200, 405),
    "respond:answer": (405, 302),
    "respond:file": (200, 405),
    "respond:draft": (200, 405),
    "respond:draft_save": (405, 302),
    "respond:draft_submit": (405, 302),
}
RESPONDENT_WRITES = {
    "profile",
    "notifications:read_all",
    "respond:submit",
    "respond:answer",
    "respond:draft_save",
    "respond:draft_submit",
}


def test_the_respondent_gets_only_what_is_theirs(world):
    client = Client()
    client.force_login(world.respondent)
    failures = []
    for name, rule in MATRIX.items():
        url = url_for(name, rule, world)
        for index, method in enumerate(("get", "post")):
            expected = RESPONDENT.get(name, (404, 404))[index]
            data = rule.data(world) if (method == "post" and rule.data) else None
            response, changed = attempt(client, method, url, data)
            may_write = method == "post" and name in RESPONDENT_WRITES
            found = problem(response, expected, changed, may_write)
            if found:
                failures.append(f"{method.upper()} {name} as respondent: {found}")
    assert not failures, "\n".join(failures)


def test_the_respondent_cannot_reach_another_request_of_the_same_deployment(world):
    client = Client()
    client.force_login(world.respondent)
    other = world.other_request
    question = other.questions.get()
    for name, pk in (
        ("respond:request", other.pk),
        ("respond:letter_pdf", other.pk),
        ("respond:request_json", other.pk),
        ("respond:submit", other.pk),
        ("respond:answer", question.pk),
    ):
        for method in ("get", "post"):
            response, changed = attempt(client, method, reverse(name, args=[pk]), None)
            assert response.status_code in (404, 405), f"{method} {name}"
            assert not changed
    assert RESPONDENT.keys() <= MATRIX.keys()
