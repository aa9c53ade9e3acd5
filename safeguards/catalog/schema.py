"""The framework file format: YAML text -> checked, frozen dataclasses. Pure: no Django, no I/O.

`parse` collects every problem in the file before refusing it, each naming the file, where
(top level, a category, a criterion) and the field. docs/frameworks.md lists every rule.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from safeguards import scoring

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_VERSION = 2_147_483_647  # the largest value every supported database stores in the column
MAX_WEIGHT = 10

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CATEGORY_CODE_RE = re.compile(r"[A-Z]{2,8}")
CRITERION_NUMBER_RE = re.compile(r"[1-9][0-9]{0,5}")

TOP_KEYS = ("slug", "version", "title", "publisher", "published", "description", "categories")
TOP_OPTIONAL = ("thresholds",)
THRESHOLD_KEYS = ("adequate", "significant_gaps")
CATEGORY_KEYS = ("code", "title", "description", "criteria")
CRITERION_KEYS = (
    "code",
    "title",
    "question",
    "guidance",
    "met",
    "partial",
    "severity",
    "red_line",
    "references",
)
CRITERION_OPTIONAL = ("weight", "not_met")
REFERENCE_KEYS = ("source", "note")
REFERENCE_OPTIONAL = ("section", "url")

# Longest text each field may hold: the database column sizes of catalog.models.
MAX_LENGTHS = {
    "slug": 80,
    "title": 200,
    "publisher": 200,
    "source": 300,
    "section": 300,
    "url": 500,
    "note": 300,
}


# --- results and errors ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    source: str
    note: str
    section: str = ""
    url: str = ""


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    question: str
    guidance: str
    met: str
    partial: str
    severity: str
    red_line: bool
    references: tuple[Reference, ...]
    weight: int | None = None
    not_met: str = ""

    @property
    def effective_weight(self) -> int:
        return scoring.effective_weight(self.severity, self.weight)


@dataclass(frozen=True)
class Category:
    code: str
    title: str
    description: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class FrameworkSpec:
    """One framework file, checked."""

    slug: str
    version: int
    title: str
    publisher: str
    published: datetime.date
    description: str
    thresholds: scoring.Thresholds
    categories: tuple[Category, ...]

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(criterion for category in self.categories for criterion in category.criteria)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (top level, a category, a criterion) and which field."""

    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.file}: {self.where}: {field}{self.message}"


class FrameworkError(Exception):
    """The file was refused; nothing was changed. `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]


# --- YAML reading ----------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """safe_load, minus anchors and aliases (no expansion bombs, nothing shared between
    criteria), and with duplicate keys reported instead of silently keeping the last."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[str, int]] = []

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in framework files", event.start_mark
            )
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, "anchors (&name) are not allowed in framework files", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    self.duplicate_keys.append((str(key), key_node.start_mark.line + 1))
                seen.add(key)
            except TypeError:  # an unhashable key: the base class reports it
                pass
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a real date ({error})", node.start_mark
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_yaml_map)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def _read_yaml(text: str, name: str) -> tuple[Any, list[Problem]]:
    loader = _StrictLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = error.problem or error.context or "invalid YAML"
        return None, [Problem(name, "top level", "", f"YAML syntax error at {where}: {problem}")]
    except yaml.YAMLError as error:  # reader errors (bad characters) carry a position too
        return None, [Problem(name, "top level", "", f"YAML syntax error: {error}")]
    except RecursionError:
        return None, [Problem(name, "top level", "", "YAML nested too deeply")]
    except (ValueError, TypeError, OverflowError) as error:
        # A scalar YAML recognises but cannot build, such as the date 2026-13-45.
        return None, [Problem(name, "top level", "", f"YAML value cannot be read: {error}")]
    finally:
        loader.dispose()
    problems = [
        Problem(name, f"line {line}", key, "duplicate key: this field is given twice")
        for key, line in loader.duplicate_keys
    ]
    return data, problems


# --- checking --------------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
        datetime.date: "a date",
        datetime.datetime: "a date and time",
    }.get(type(value), type(value).__name__)


class _Checker:
    """Walks one parsed file, collecting problems; each `_x` method returns a value or None."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []

    def add(self, where: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.name, where, field, message))

    def keys(
        self, mapping: dict, where: str, required: tuple, optional: tuple = (), prefix: str = ""
    ) -> None:
        for key in required:
            if key not in mapping:
                self.add(where, prefix + key, "missing field")
        for key in mapping:
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                self.add(where, prefix + str(key), f"unknown field (allowed: {allowed})")

    def text(self, mapping: dict, key: str, where: str, *, prefix: str = "", optional=False):
        if key not in mapping:
            return "" if optional else None
        value = mapping[key]
        if value is None and optional:
            return ""
        if not isinstance(value, str):
            self.add(where, prefix + key, f"wrong type: expected text, got {_type_name(value)}")
            return None
        if not value.strip() and not optional:
            self.add(where, prefix + key, "must not be empty")
            return None
        limit = MAX_LENGTHS.get(key)
        if limit and len(value) > limit:
            self.add(where, prefix + key, f"too long: {len(value)} characters, at most {limit}")
            return None
        return value

    def integer(self, mapping: dict, key: str, where: str, low: int, high: int, prefix=""):
        value = mapping.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(where, prefix + key, f"wrong type: expected a whole number, got {value!r}")
            return None
        if not low <= value <= high:
            self.add(where, prefix + key, f"must be from {low} to {high}, got {value}")
            return None
        return value

    def mapping_list(self, mapping: dict, key: str, where: str, what: str) -> list:
        """A required, non-empty list (its items are checked by the caller)."""
        value = mapping.get(key)
        if not isinstance(value, list):
            self.add(where, key, f"wrong type: expected a list, got {_type_name(value)}")
            return []
        if not value:
            self.add(where, key, f"at least one {what} is required")
        return value

    # The framework as a whole.

    def framework(self, data: Any) -> FrameworkSpec | None:
        where = "top level"
        if not isinstance(data, dict):
            self.add(where, "", f"the file must be a mapping of fields, got {_type_name(data)}")
            return None
        self.keys(data, where, TOP_KEYS, TOP_OPTIONAL)
        slug = self.text(data, "slug", where)
        if slug is not None and not SLUG_RE.fullmatch(slug):
            self.add(where, "slug", f"{slug!r} must be lowercase letters, digits and hyphens")
            slug = None
        version = None
        if "version" in data:
            version = self.integer(data, "version", where, 1, MAX_VERSION)
        title = self.text(data, "title", where)
        publisher = self.text(data, "publisher", where)
        published = self.date(data, where) if "published" in data else None
        description = self.text(data, "description", where)
        thresholds = self.thresholds(data.get("thresholds"))
        categories = []
        if "categories" in data:
            categories = self.categories(self.mapping_list(data, "categories", where, "category"))
        values = (slug, version, title, publisher, published, description, thresholds)
        if self.problems or any(value is None for value in values):
            return None
        return FrameworkSpec(
            slug, version, title, publisher, published, description, thresholds, categories
        )

    def date(self, data: dict, where: str) -> datetime.date | None:
        value = data["published"]
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if type(value) is not datetime.date:
            expected = "wrong type: expected a date like 2026-11-26"
            self.add(where, "published", f"{expected}, got {value!r}")
            return None
        return value

    def thresholds(self, value: Any) -> scoring.Thresholds | None:
        where, default = "top level", scoring.DEFAULT_THRESHOLDS
        if value is None:
            return default
        if not isinstance(value, dict):
            kind = _type_name(value)
            self.add(where, "thresholds", f"wrong type: expected a mapping, got {kind}")
            return None
        self.keys(value, where, (), THRESHOLD_KEYS, prefix="thresholds.")
        adequate = value.get("adequate", default.adequate)
        gaps = value.get("significant_gaps", default.significant_gaps)
        if not scoring.thresholds_valid(adequate, gaps):
            self.add(
                where,
                "thresholds",
                "bad thresholds: need whole numbers with 0 <= significant_gaps < adequate <= 100, "
                f"got adequate={adequate!r}, significant_gaps={gaps!r}",
            )
            return None
        return scoring.Thresholds(adequate, gaps)

    # Categories and criteria.

    def categories(self, items: list) -> tuple[Category, ...]:
        result, category_codes, criterion_codes = [], set(), set()
        for index, item in enumerate(items, start=1):
            where = f"category #{index}"
            if not isinstance(item, dict):
                self.add(where, "", f"wrong type: expected a mapping, got {_type_name(item)}")
                continue
            code = self.text(item, "code", where)
            if code is not None:
                if not CATEGORY_CODE_RE.fullmatch(code):
                    self.add(where, "code", f"{code!r} must be 2 to 8 uppercase letters (A-Z)")
                    code = None
                elif code in category_codes:
                    self.add(f"category {code}", "code", f"duplicate code {code}")
                else:
                    category_codes.add(code)
                    where = f"category {code}"
            self.keys(item, where, CATEGORY_KEYS)
            title = self.text(item, "title", where)
            description = self.text(item, "description", where)
            criteria = ()
            if "criteria" in item:
                criteria = self.criteria(
                    self.mapping_list(item, "criteria", where, "criterion"),
                    code,
                    where,
                    criterion_codes,
                )
            if None not in (code, title, description):
                result.append(Category(code, title, description, criteria))
        return tuple(result)

    def criteria(
        self, items: list, category: str | None, category_where: str, seen: set
    ) -> tuple[Criterion, ...]:
        result = []
        for index, item in enumerate(items, start=1):
            where = f"criterion #{index} of {category_where}"
            if not isinstance(item, dict):
                self.add(where, "", f"wrong type: expected a mapping, got {_type_name(item)}")
                continue
            code = self.text(item, "code", where)
            if code is not None:
                where = f"criterion {code}"
                code = self.criterion_code(code, category, seen)
            self.keys(item, where, CRITERION_KEYS, CRITERION_OPTIONAL)
            texts = [self.text(item, key, where) for key in CRITERION_KEYS[1:6]]
            severity = self.severity(item, where)
            weight = None
            if item.get("weight") is not None:
                weight = self.integer(item, "weight", where, 1, MAX_WEIGHT)
            red_line = item.get("red_line")
            if "red_line" in item and not isinstance(red_line, bool):
                self.add(where, "red_line", f"wrong type: expected true or false, got {red_line!r}")
                red_line = None
            references = self.references(item, where, red_line is True)
            not_met = self.text(item, "not_met", where, optional=True)
            values = (code, *texts, severity, red_line, references, not_met)
            if any(value is None for value in values) or (item.get("weight") and weight is None):
                continue
            result.append(
                Criterion(code, *texts, severity, red_line, references, weight, not_met or "")
            )
        return tuple(result)

    def criterion_code(self, code: str, category: str | None, seen: set) -> str | None:
        where = f"criterion {code}"
        prefix, _, number = code.partition("-")
        if not CATEGORY_CODE_RE.fullmatch(prefix) or not CRITERION_NUMBER_RE.fullmatch(number):
            self.add(where, "code", f"{code!r} must be the category code, a hyphen and a number")
            return None
        if category is not None and prefix != category:
            self.add(
                where,
                "code",
                f"code {code} does not match its category {category} "
                f"(expected {category}-{number})",
            )
            return None
        if code in seen:
            self.add(where, "code", f"duplicate code {code}")
            return None
        seen.add(code)
        return code

    def severity(self, item: dict, where: str) -> str | None:
        if "severity" not in item:
            return None
        value = item["severity"]
        if value not in scoring.SEVERITIES:
            expected = ", ".join(scoring.SEVERITIES)
            self.add(where, "severity", f"unknown severity {value!r} (expected one of {expected})")
            return None
        return value

    def references(self, item: dict, where: str, red_line: bool) -> tuple[Reference, ...] | None:
        if "references" not in item:
            return None
        value = item["references"]
        if not isinstance(value, list):
            kind = _type_name(value)
            self.add(where, "references", f"wrong type: expected a list, got {kind}")
            return None
        if not value:
            if red_line:
                self.add(where, "references", "red line without references: cite at least one")
            else:
                self.add(where, "references", "at least one reference is required")
            return None
        result, ok = [], True
        for index, ref in enumerate(value, start=1):
            prefix = f"references[{index}]."
            if not isinstance(ref, dict):
                kind = _type_name(ref)
                self.add(where, prefix[:-1], f"wrong type: expected a mapping, got {kind}")
                ok = False
                continue
            self.keys(ref, where, REFERENCE_KEYS, REFERENCE_OPTIONAL, prefix=prefix)
            source = self.text(ref, "source", where, prefix=prefix)
            note = self.text(ref, "note", where, prefix=prefix)
            section = self.text(ref, "section", where, prefix=prefix, optional=True)
            url = self.text(ref, "url", where, prefix=prefix, optional=True)
            if url and not _is_web_url(url):
                self.add(where, prefix + "url", f"bad URL {url!r}: must be an http(s):// address")
                url = None
            if None in (source, note, section, url):
                ok = False
                continue
            result.append(Reference(source, note, section, url))
        return tuple(result) if ok else None


def _is_web_url(url: str) -> bool:
    if url != url.strip() or any(char.isspace() or ord(char) < 32 for char in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def parse(source: str | bytes, name: str = "<text>") -> FrameworkSpec:
    """Check one framework file. Raises FrameworkError listing every problem found."""
    size = len(source.encode() if isinstance(source, str) else source)
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise FrameworkError(
            [Problem(name, "top level", "", f"file too large: {size} bytes, at most {limit} MB")]
        )
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as error:
            message = f"not UTF-8 text (byte {error.start + 1})"
            raise FrameworkError([Problem(name, "top level", "", message)]) from None
    data, problems = _read_yaml(source, name)
    checker = _Checker(name)
    checker.problems.extend(problems)
    spec = checker.framework(data) if data is not None or not problems else None
    if checker.problems or spec is None:
        raise FrameworkError(checker.problems)
    return spec
