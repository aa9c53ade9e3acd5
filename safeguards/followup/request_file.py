"""The request as a JSON file the operator fills in offline, and reading it back.

Pure: plain data in and out; the view records the answers (all or none)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

SCHEMA = "safeguards.information-request/1"
MAX_ANSWER = 100_000


@dataclass(frozen=True)
class FiledAnswer:
    number: str
    text: str
    received_on: datetime.date | None


def export(request: dict, questions: list[dict]) -> dict:
    """`request`: number, office, deployment, recipient, sent_on, due_on, covering_letter;
    `questions`: number and question of each question sent."""
    return {
        "schema": SCHEMA,
        "instructions": (
            'Write each answer in its "answer" field (leave it empty to skip a question), '
            'optionally the date in "received_on" (YYYY-MM-DD), and send the file back. '
            "Do not change the numbers."
        ),
        "request": request,
        "questions": [
            {"number": q["number"], "question": q["question"], "answer": "", "received_on": None}
            for q in questions
        ],
    }


def parse(raw: bytes, number: str, open_numbers: set[str]) -> tuple[list[FiledAnswer], list[str]]:
    """The answers in a filled-in file, or the problems (each by question number).

    `open_numbers`: the request's questions that may still be answered."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return [], [f"The file is not JSON in UTF-8: {error}."]
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        return [], [f"The file is not a Safeguards request file (schema {SCHEMA})."]
    got = (doc.get("request") or {}).get("number") if isinstance(doc.get("request"), dict) else None
    if got != number:
        return [], [f"The file is for request {got!r}, not {number}."]
    items = doc.get("questions")
    if not isinstance(items, list):
        return [], ["The file has no list of questions."]
    answers, problems, seen = [], [], set()
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(f"Question {index} of the file: not an object.")
            continue
        qnum = item.get("number")
        label = qnum if isinstance(qnum, str) else f"Question {index} of the file"
        if not isinstance(qnum, str) or not qnum.startswith(number + "-Q"):
            problems.append(f"{label}: not a question of {number}.")
            continue
        if qnum in seen:
            problems.append(f"{qnum}: appears twice.")
            continue
        seen.add(qnum)
        text = item.get("answer", "")
        if text is None:
            text = ""
        if not isinstance(text, str):
            problems.append(f"{qnum}: the answer must be text.")
            continue
        if len(text) > MAX_ANSWER:
            problems.append(f"{qnum}: the answer is longer than {MAX_ANSWER} characters.")
            continue
        if "\x00" in text:
            problems.append(f"{qnum}: the answer holds a NUL character.")
            continue
        received = item.get("received_on")
        day = None
        if received not in (None, ""):
            try:
                day = datetime.date.fromisoformat(str(received))
            except ValueError:
                problems.append(f"{qnum}: received_on {received!r} is not a date (YYYY-MM-DD).")
                continue
        if not text.strip():
            continue
        if qnum not in open_numbers:
            problems.append(f"{qnum}: no such question to answer in {number}.")
            continue
        answers.append(FiledAnswer(qnum, text, day))
    return (answers, problems) if not problems else ([], problems)
