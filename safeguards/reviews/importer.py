"""Import an assessment from JSON in the format `safeguards.assessment-import/1` (DESIGN.md §6,
docs/import-format.md): check everything first, then create it all in one transaction.

`parse` and `validate` are pure (no database); `import_bytes` is the one entry point for the
command and the upload form.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import unicodedata
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from safeguards import scoring
from safeguards.reviews.models import answer_problems

SCHEMA = "safeguards.assessment-import/1"
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 8
MAX_ANSWERS = 1000
MAX_EVIDENCE_PER_ANSWER = 100
MAX_TEXT = 20_000
MAX_ERRORS = 200

EVIDENCE_KINDS = ("document", "web_page", "quotation", "correspondence", "file")
DEPLOYMENT_TEXT = {  # field -> longest allowed
    "name": 200,
    "operator": 200,
    "vendor": 200,
    "technology": 200,
    "contract_reference": 200,
    "units_with_access": MAX_TEXT,
    "purposes": MAX_TEXT,
    "data_sources": MAX_TEXT,
    "connected_systems": MAX_TEXT,
    "notes": MAX_TEXT,
}
DEPLOYMENT_DATES = ("period_start", "period_end")
DEPLOYMENT_KEYS = {*DEPLOYMENT_TEXT, *DEPLOYMENT_DATES, "contract_value"}
EVIDENCE_TEXT = {"title": 300, "citation": 300, "excerpt": MAX_TEXT}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = URLValidator(schemes=["http", "https"])

# (framework slug, version) -> {criterion code: is a red line}, in framework order.
Catalog = Mapping[tuple[str, int], Mapping[str, bool]]


class ImportRefused(Exception):
    """The document cannot be imported; `errors` lists every reason, one line each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _no_constants(name):
    raise _DuplicateKey(f"__constant__{name}")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


def parse(raw: bytes) -> tuple[Any, list[str]]:
    """Bytes -> (document, errors). Errors name the line and column of a syntax error."""
    if len(raw) > MAX_BYTES:
        return None, [f"file: larger than the limit of {MAX_BYTES // 1024} KB"]
    if not raw.strip():
        return None, ["file: empty"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [f"file: not UTF-8 text (bad byte at offset {error.start})"]
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        return None, [f"line {error.lineno}, column {error.colno}: {error.msg}"]
    except _DuplicateKey as error:
        key = str(error)
        if key.startswith("__constant__"):
            return None, [f"file: {key[12:]} is not allowed in JSON numbers"]
        return None, [f"file: the key {key!r} appears twice in one object"]
    except RecursionError:
        return None, [f"file: nested more than {MAX_DEPTH} levels deep"]
    except ValueError:
        # Python refuses to convert integers of more than 4300 digits (CVE-2020-10735).
        return None, ["file: a number has too many digits"]
    if _depth(doc) > MAX_DEPTH:
        return None, [f"file: nested more than {MAX_DEPTH} levels deep"]
    return doc, []


class _Checker:
    """Collects errors as "where.field: problem" lines."""

    def __init__(self):
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{where}: {message}")
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append("…: more errors not listed; fix these first")

    def object(
        self, value: Any, where: str, required: Collection[str], optional: Collection[str]
    ) -> dict | None:
        if not isinstance(value, dict):
            self.error(where or "document", f"must be an object, not {_type(value)}")
            return None
        prefix = f"{where}." if where else ""
        for key in required:
            if key not in value:
                self.error(f"{prefix}{key}", "missing")
        for key in value:
            if key not in required and key not in optional:
                self.error(f"{prefix}{_short(key)}", "unknown key")
        return value

    def text(
        self, obj: dict, key: str, where: str, longest: int, *, blank: bool = True
    ) -> str | None:
        if key not in obj:
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.error(f"{where}.{key}", f"must be a string, not {_type(value)}")
            return None
        if len(value) > longest:
            self.error(f"{where}.{key}", f"too long ({len(value)} characters; at most {longest})")
            return None
        if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
            self.error(f"{where}.{key}", "contains control characters")
            return None
        if not blank and not value.strip():
            self.error(f"{where}.{key}", "must not be blank")
            return None
        return value

    def date(self, obj: dict, key: str, where: str) -> datetime.date | None:
        value = self.text(obj, key, where, 10)
        if value is None or value == "":
            return None
        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(f"{where}.{key}", f"not a date in the form YYYY-MM-DD: {_short(value)!r}")
            return None

    def url(self, obj: dict, key: str, where: str) -> str | None:
        value = self.text(obj, key, where, 1000)
        if value:
            try:
                _URL(value)
            except ValidationError:
                self.error(
                    f"{where}.{key}", f"not a web address (http or https): {_short(value)!r}"
                )
                return None
        return value


def _type(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _short(value: Any, length: int = 60) -> str:
    text = str(value)
    return text if len(text) <= length else text[:length] + "…"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(doc: Any, catalog: Catalog, deployment_ids: Collection[int]) -> list[str]:
    """Every problem with an import document, given the loaded frameworks and the ids of the
    office's deployments. An empty list means it can be imported."""
    check = _Checker()
    top = check.object(doc, "", ("schema", "framework", "deployment", "assessment"), ("answers",))
    if top is None:
        return check.errors
    if "schema" in top and top["schema"] != SCHEMA:
        check.error("schema", f"must be {SCHEMA!r}, not {_short(top['schema'])!r}")
    codes = _check_framework(check, top.get("framework"), catalog) if "framework" in top else None
    if "deployment" in top:
        _check_deployment(check, top["deployment"], deployment_ids)
    if "assessment" in top:
        assessment = check.object(top["assessment"], "assessment", ("title", "as_of"), ())
        if assessment is not None:
            check.text(assessment, "title", "assessment", 200, blank=False)
            if "as_of" in assessment and check.date(assessment, "as_of", "assessment") is None:
                if assessment["as_of"] == "":
                    check.error("assessment.as_of", "must not be blank")
    _check_answers(check, top.get("answers", []), codes)
    return check.errors


def _check_framework(check: _Checker, value: Any, catalog: Catalog) -> Mapping[str, bool] | None:
    framework = check.object(value, "framework", ("slug", "version"), ())
    if framework is None or "slug" not in framework or "version" not in framework:
        return None
    slug, version = framework["slug"], framework["version"]
    if not isinstance(slug, str):
        check.error("framework.slug", f"must be a string, not {_type(slug)}")
        return None
    if not _is_int(version):
        check.error("framework.version", f"must be a whole number, not {_type(version)}")
        return None
    codes = catalog.get((slug, version))
    if codes is None:
        known = sorted(f"{s} version {v}" for s, v in catalog)
        check.error(
            "framework",
            f"unknown framework {_short(slug)!r} version {version}"
            + (f" (loaded: {', '.join(known)})" if known else " (no frameworks are loaded)"),
        )
    return codes


def _check_deployment(check: _Checker, value: Any, deployment_ids: Collection[int]) -> None:
    if isinstance(value, dict) and "id" in value:
        deployment = check.object(value, "deployment", ("id",), ())
        if deployment is None:
            return
        if not _is_int(deployment["id"]):
            check.error("deployment.id", f"must be a whole number, not {_type(deployment['id'])}")
        elif deployment["id"] not in deployment_ids:
            check.error("deployment.id", f"no deployment with id {deployment['id']} in this office")
        return
    deployment = check.object(value, "deployment", ("name", "operator"), DEPLOYMENT_KEYS)
    if deployment is None:
        return
    for field, longest in DEPLOYMENT_TEXT.items():
        check.text(
            deployment, field, "deployment", longest, blank=field not in ("name", "operator")
        )
    start = check.date(deployment, "period_start", "deployment")
    end = check.date(deployment, "period_end", "deployment")
    if start and end and end < start:
        check.error("deployment.period_end", "the period cannot end before it starts")
    if "contract_value" in deployment and contract_value(deployment["contract_value"]) is False:
        check.error(
            "deployment.contract_value",
            "must be an amount of at most 12 digits and 2 decimals, not negative, "
            'such as 225000 or "225000.00"',
        )


def contract_value(value: Any) -> Decimal | None | bool:
    """The amount as a Decimal, None if absent, False if not a valid amount."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return False
    # The size check comes before quantize(), which raises on numbers beyond 28 digits.
    if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 12:
        return False
    if amount != amount.quantize(Decimal("0.01")):
        return False
    return amount.quantize(Decimal("0.01"))


def _check_answers(check: _Checker, answers: Any, codes: Mapping[str, bool] | None) -> None:
    if not isinstance(answers, list):
        check.error("answers", f"must be a list, not {_type(answers)}")
        return
    if len(answers) > MAX_ANSWERS:
        check.error("answers", f"too many ({len(answers)}; at most {MAX_ANSWERS})")
        return
    seen_codes: dict[str, int] = {}
    seen_evidence: dict[tuple[str, str], tuple[str, dict]] = {}
    for index, value in enumerate(answers):
        code = value.get("code") if isinstance(value, dict) else None
        where = f"answers[{index}]" + (f" ({_short(code, 20)})" if isinstance(code, str) else "")
        answer = check.object(
            value,
            where,
            ("code", "status"),
            ("rationale", "recommendation", "evidence", "restricted"),
        )
        if answer is None:
            continue
        code = check.text(answer, "code", where, 20, blank=False)
        if code is not None:
            if code in seen_codes:
                check.error(f"{where}.code", f"duplicate: answers[{seen_codes[code]}] has it too")
            else:
                seen_codes[code] = index
            if codes is not None and code not in codes:
                check.error(f"{where}.code", f"unknown criterion code {_short(code)!r}")
        status = answer.get("status")
        if "status" in answer and status not in scoring.STATUSES:
            shown = repr(_short(status)) if isinstance(status, str) else _type(status)
            check.error(
                f"{where}.status",
                f"unknown status {shown}; expected one of {', '.join(scoring.STATUSES)}",
            )
            status = None
        rationale = check.text(answer, "rationale", where, MAX_TEXT)
        check.text(answer, "recommendation", where, MAX_TEXT)
        if status and ("rationale" not in answer or rationale is not None):
            # The same rules as the scoring form and the model.
            red_line = bool(codes and codes.get(code))
            for field, message in answer_problems(
                status, rationale or "", red_line=red_line
            ).items():
                check.error(f"{where}.{field}", message)
        if "restricted" in answer:
            _check_restricted_fields(check, answer, where)
        if "evidence" in answer:
            _check_evidence(check, answer["evidence"], where, seen_evidence)


RESTRICTABLE = ("rationale", "recommendation")
MAX_REASON = 200


def _check_restricted_fields(check: _Checker, answer: dict, where: str) -> None:
    """`"restricted": {"rationale": REASON, "recommendation": REASON}` (either or both)."""
    marks = check.object(answer["restricted"], f"{where}.restricted", (), RESTRICTABLE)
    if marks is None:
        return
    for field in RESTRICTABLE:
        if field in marks:
            check.text(marks, field, f"{where}.restricted", MAX_REASON, blank=False)
            if not (answer.get(field) or "").strip():
                check.error(f"{where}.restricted.{field}", f"there is no {field} to restrict")


def _check_evidence(check: _Checker, items: Any, where: str, seen: dict) -> None:
    if not isinstance(items, list):
        check.error(f"{where}.evidence", f"must be a list, not {_type(items)}")
        return
    if len(items) > MAX_EVIDENCE_PER_ANSWER:
        check.error(f"{where}.evidence", f"too many ({len(items)}; at most 100)")
        return
    for number, value in enumerate(items):
        here = f"{where}.evidence[{number}]"
        item = check.object(
            value,
            here,
            ("title", "kind"),
            ("url", "citation", "excerpt", "retrieved_on", "restricted"),
        )
        if item is None:
            continue
        if "restricted" in item:
            check.text(item, "restricted", here, MAX_REASON, blank=False)
        title = check.text(item, "title", here, EVIDENCE_TEXT["title"], blank=False)
        check.text(item, "citation", here, EVIDENCE_TEXT["citation"])
        check.text(item, "excerpt", here, EVIDENCE_TEXT["excerpt"])
        url = check.url(item, "url", here)
        check.date(item, "retrieved_on", here)
        if "kind" in item and item["kind"] not in EVIDENCE_KINDS:
            shown = repr(_short(item["kind"])) if isinstance(item["kind"], str) else "that"
            expected = ", ".join(EVIDENCE_KINDS)
            check.error(f"{here}.kind", f"unknown kind {shown}; expected one of {expected}")
        if title is None or (url is None and "url" in item):
            continue
        key = evidence_key(item)
        if key in seen:
            first_where, first = seen[key]
            for field in ("kind", "citation", "excerpt", "retrieved_on"):
                if item.get(field) and first.get(field) and item[field] != first[field]:
                    check.error(
                        f"{here}.{field}",
                        f"differs from {first_where}, which has the same title and URL "
                        "(give it once, or leave it empty here)",
                    )
        else:
            seen[key] = (here, item)


def evidence_key(item: dict) -> tuple[str, str]:
    """Items with the same title and URL are one piece of evidence."""
    return (item["title"].strip(), (item.get("url") or "").strip())


# --- Django side ---------------------------------------------------------------------------


def load_catalog() -> dict[tuple[str, int], dict[str, bool]]:
    from safeguards.catalog.models import Criterion

    catalog: dict[tuple[str, int], dict[str, bool]] = {}
    rows = Criterion.objects.order_by("framework_version_id", "position").values_list(
        "framework_version__framework__slug", "framework_version__version", "code", "red_line"
    )
    for slug, version, code, red_line in rows:
        catalog.setdefault((slug, version), {})[code] = red_line
    return catalog


def _requested_deployment_ids(doc: Any, office) -> set[int]:
    from safeguards.reviews.models import Deployment

    wanted = doc.get("deployment") if isinstance(doc, dict) else None
    if isinstance(wanted, dict) and _is_int(wanted.get("id")):
        return set(
            Deployment.objects.filter(office=office, pk=wanted["id"]).values_list("pk", flat=True)
        )
    return set()


def import_bytes(raw: bytes, office, user):
    """Check and import a document; returns the new draft Assessment or raises ImportRefused."""
    doc, errors = parse(raw)
    if not errors:
        errors = validate(doc, load_catalog(), _requested_deployment_ids(doc, office))
    if errors:
        raise ImportRefused(errors)
    return create(doc, office, user, source_sha256=hashlib.sha256(raw).hexdigest())


def create(doc: dict, office, user, *, source_sha256: str = ""):
    """Create what a valid document describes, all in one transaction."""
    from safeguards.audit.record import record
    from safeguards.catalog.models import FrameworkVersion
    from safeguards.reviews.forms.evidence import record_added
    from safeguards.reviews.models import Answer, Assessment, Deployment, Evidence

    now = timezone.now()
    with transaction.atomic():
        framework_version = FrameworkVersion.objects.get(
            framework__slug=doc["framework"]["slug"], version=doc["framework"]["version"]
        )
        deployment = _deployment(doc["deployment"], office, user, Deployment, record)
        assessment = Assessment.objects.create(
            office=office,
            deployment=deployment,
            framework_version=framework_version,
            title=doc["assessment"]["title"].strip(),
            as_of=datetime.date.fromisoformat(doc["assessment"]["as_of"]),
            created_by=user,
        )
        given = {item["code"]: item for item in doc.get("answers", [])}
        answers = Answer.objects.bulk_create(
            _answer(Answer, assessment, criterion, given.get(criterion.code), user, now)
            for criterion in framework_version.criteria.order_by("position")
        )
        by_code = {answer.criterion.code: answer for answer in answers}
        merged: dict[tuple[str, str], dict] = {}
        wanted_links: list[tuple[str, tuple[str, str]]] = []
        for item in doc.get("answers", []):
            for entry in item.get("evidence", []):
                key = evidence_key(entry)
                known = merged.setdefault(key, {})
                for field, value in entry.items():
                    known[field] = known.get(field) or value
                wanted_links.append((item["code"], key))
        evidence: dict[tuple[str, str], Evidence] = {}
        for key, entry in merged.items():
            evidence[key] = Evidence.objects.create(
                office=office,
                deployment=deployment,
                title=key[0],
                kind=entry["kind"],
                url=key[1],
                citation=entry.get("citation", "").strip(),
                excerpt=entry.get("excerpt", "").strip(),
                retrieved_on=_optional_date(entry.get("retrieved_on")),
                added_by=user,
            )
            record_added(evidence[key], user)
        restricted = _create_marks(doc, by_code, evidence, merged)
        links = {(by_code[code].pk, evidence[key].pk) for code, key in wanted_links}
        Answer.evidence.through.objects.bulk_create(
            Answer.evidence.through(answer_id=answer_id, evidence_id=evidence_id)
            for answer_id, evidence_id in sorted(links)
        )
        counts = dict.fromkeys(scoring.STATUSES, 0)
        for answer in answers:
            counts[answer.status] += 1
        record(
            "assessment.imported",
            actor=user,
            office=office,
            target=assessment,
            assessment=assessment,
            after={
                "title": assessment.title,
                "as_of": assessment.as_of,
                "deployment": deployment.pk,
                "framework_version": framework_version.pk,
                "framework": framework_version.framework.slug,
                "version": framework_version.version,
                "counts": counts,
                "evidence": len(evidence),
                "links": len(links),
                "restricted": restricted,
                "source_sha256": source_sha256,
            },
        )
    return assessment


def _create_marks(doc: dict, by_code: dict, evidence: dict, merged: dict) -> int:
    """The document's restricted marks (reasons as given), recorded with the import."""
    from safeguards.restricted.models import AnswerRestriction, EvidenceRestriction

    answer_marks = [
        AnswerRestriction(answer=by_code[item["code"]], field=field, reason=reason.strip())
        for item in doc.get("answers", [])
        for field, reason in (item.get("restricted") or {}).items()
    ]
    evidence_marks = [
        EvidenceRestriction(evidence=evidence[key], reason=entry["restricted"].strip())
        for key, entry in merged.items()
        if entry.get("restricted")
    ]
    AnswerRestriction.objects.bulk_create(answer_marks)
    EvidenceRestriction.objects.bulk_create(evidence_marks)
    return len(answer_marks) + len(evidence_marks)


def _optional_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _deployment(value: dict, office, user, Deployment, record):
    if "id" in value:
        return Deployment.objects.get(pk=value["id"], office=office)
    fields = {field: value.get(field, "").strip() for field in DEPLOYMENT_TEXT}
    fields.update(
        contract_value=contract_value(value.get("contract_value")),
        period_start=_optional_date(value.get("period_start")),
        period_end=_optional_date(value.get("period_end")),
    )
    deployment = Deployment.objects.create(office=office, created_by=user, **fields)
    record("deployment.created", actor=user, office=office, target=deployment, after=fields)
    return deployment


def _answer(Answer, assessment, criterion, given: dict | None, user, now):
    if given is None or given["status"] == scoring.NOT_ASSESSED and not given.get("rationale"):
        return Answer(assessment=assessment, criterion=criterion)
    return Answer(
        assessment=assessment,
        criterion=criterion,
        status=given["status"],
        rationale=given.get("rationale", "").strip(),
        recommendation=given.get("recommendation", "").strip(),
        updated_by=user,
        updated_at=now,
    )
