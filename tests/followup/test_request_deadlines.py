"""Due dates: reminders before and on the due date, "no response" exactly when the due date
ends (time frozen by passing the moment), and what the report prints of it."""

import datetime
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from docx import Document
from pypdf import PdfReader

from safeguards.audit.models import Event
from safeguards.followup import deadlines, requests
from safeguards.followup.models import Question
from safeguards.notifications.models import Notification, OutgoingEmail, Reminder
from safeguards.reports import data as report_data
from safeguards.reports.assemble import assemble
from safeguards.reports.pdf import render_pdf
from safeguards.reports.word import render_docx
from tests.factories import make_assessment, make_deployment, make_framework
from tests.followup.conftest import undisclosed_request

NEW_YORK = ZoneInfo("America/New_York")
DUE = datetime.date(2027, 3, 3)


@pytest.fixture
def sent(office, alice):
    office.time_zone = "America/New_York"
    office.save()
    req = undisclosed_request(office, alice, DUE)
    invitation = requests.invite_respondent(
        req, alice, username="pat", full_name="Pat Doe", email="pat@agency.example"
    )
    invitation.user.email = "pat@agency.example"
    invitation.user.save()
    requests.send(req, alice)
    return req


def at(day: datetime.date, hour=0, minute=0, second=0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=NEW_YORK)


def test_no_response_is_recorded_exactly_when_the_due_date_ends(sent):
    last_second = at(DUE, 23, 59, 59)
    assert deadlines.run(now=last_second).no_response == []
    assert not Question.objects.exclude(no_response_at=None).exists()
    outcome = deadlines.run(now=at(DUE + datetime.timedelta(days=1)))
    assert outcome.no_response == [f"{sent.number}-Q1", f"{sent.number}-Q2"]
    event = Event.objects.get(action="request.no_response")
    assert event.after["questions"] == outcome.no_response and event.after["due_on"] == "2027-03-03"
    # Once only.
    assert deadlines.run(now=at(DUE + datetime.timedelta(days=2))).no_response == []


def test_an_answered_question_is_not_marked(sent, alice):
    first = sent.questions.first()
    requests.record_answer(first, alice, text="Yes.", received_on=DUE)
    outcome = deadlines.run(now=at(DUE + datetime.timedelta(days=1)))
    assert outcome.no_response == [f"{sent.number}-Q2"]


def remind() -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_reminders_go_through_the_ledger_once_before_and_once_on_the_due_date(
    sent, alice, time_machine
):
    time_machine.move_to(at(DUE - datetime.timedelta(days=4), 9), tick=False)
    assert remind().endswith("0 reminders sent\n")
    time_machine.move_to(at(DUE - datetime.timedelta(days=3), 9), tick=False)
    out = remind()
    subject = f"Information request {sent.number}: due in 3 days (2027-03-03)"
    assert f"oig: pat: {subject}" in out and f"oig: alice: {subject}" in out
    assert remind().endswith("0 reminders sent\n")  # the same day again: nothing new
    time_machine.move_to(at(DUE - datetime.timedelta(days=1), 9), tick=False)
    assert remind().endswith("0 reminders sent\n")  # still "soon": already told
    time_machine.move_to(at(DUE, 9), tick=False)
    assert f"oig: pat: Information request {sent.number}: due today (2027-03-03)" in remind()
    time_machine.move_to(at(DUE, 18), tick=False)
    assert remind().endswith("0 reminders sent\n")
    time_machine.move_to(at(DUE + datetime.timedelta(days=1), 9), tick=False)
    assert remind().endswith("0 reminders sent\n")  # past due: "no response", not chased

    pat = sent.respondent
    notes = list(
        Notification.objects.filter(user=pat, kind__startswith="due").order_by("created_at")
    )
    assert [n.kind for n in notes] == ["due_soon", "due"]
    assert notes[0].url == f"/respond/requests/{sent.pk}/"
    assert notes[0].body.startswith("2 of its questions sent on")
    assert Notification.objects.get(user=alice, kind="due").url == sent.get_absolute_url()
    assert Reminder.objects.filter(subject_key=f"followup.request:{sent.pk}").count() == 4
    events = Event.objects.filter(action="reminder.sent", target_id=str(sent.pk))
    assert sorted(e.after["to"] for e in events) == ["alice", "alice", "pat", "pat"]
    assert {e.target_type for e in events} == {"followup.informationrequest"}
    assert (
        OutgoingEmail.objects.filter(
            to="pat@agency.example", subject__contains=f"Information request {sent.number}"
        ).count()
        == 2
    )


def test_the_reminder_day_is_the_office_s(sent, time_machine):
    # 23:30 in New York on the due date's eve is already the due date in UTC.
    time_machine.move_to(at(DUE - datetime.timedelta(days=1), 23, 30), tick=False)
    assert "due tomorrow (2027-03-03)" in remind()
    assert "due today" not in remind()


def test_a_submitted_or_fully_answered_request_is_not_reminded(sent, alice, time_machine):
    for question in sent.questions.exclude(n=None):
        requests.record_answer(question, alice, text="Yes.", received_on=DUE)
    time_machine.move_to(at(DUE, 9), tick=False)
    assert remind().endswith("0 reminders sent\n")


def test_the_command_runs_as_of_now(sent):
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=at(DUE + datetime.timedelta(days=1))):
        call_command("mark_overdue_requests", stdout=out)
    assert f"No response: {sent.number}-Q1" in out.getvalue()
    assert "2 questions marked no response" in out.getvalue()


def test_the_report_prints_the_no_response_and_links_it_from_the_criterion(sent, alice):
    requests.record_answer(sent.questions.first(), alice, text="Yes.", received_on=DUE)
    deadlines.run(now=at(DUE + datetime.timedelta(days=1)))
    data = assemble(report_data.report_input(sent.assessment)).as_dict()
    (row,) = data["requests"]
    assert [q["outcome"] for q in row["questions"]] == ["answered", "no_response"]
    expected = (
        f"requested {sent.sent_on.isoformat()} from Pat Doe (Border agency), due 2027-03-03: "
        "no response"
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(data))).pages)
    flat = " ".join(text.split())
    assert expected in flat
    assert "Asked of the operator:" in flat
    docx = Document(io.BytesIO(render_docx(data)))
    assert expected in "\n".join(p.text for p in docx.paragraphs)


def test_a_report_without_requests_has_no_requests_key(office, alice):
    draft = make_assessment(make_deployment(office, alice), make_framework(), alice)
    assert "requests" not in assemble(report_data.report_input(draft)).as_dict()
