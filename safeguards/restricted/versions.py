"""Which version of a report a request gets (restricted or public), and its bytes."""

from __future__ import annotations

import hashlib
import hmac
import itertools

from django.conf import settings

from safeguards.reports import disclosure

from .marks import marks_for, public_only

PUBLIC = "public"


def wants_public(request, assessment) -> bool:
    """The public version when asked for (?version=public), and always for members limited
    to public versions."""
    return choice(request, assessment)[0]


def choice(request, assessment) -> tuple[bool, bool]:
    """(show the public version, the member is limited to public versions): read with the
    assessment's row when the report views read it (`viewer_public_only`), else one query."""
    limited = getattr(assessment, "viewer_public_only", None)
    if limited is None or not request.user.is_authenticated:
        limited = public_only(request.user, assessment.office_id)
    return limited or request.GET.get("version") == PUBLIC, limited


def frozen_data(version, public: bool) -> dict:
    import json

    data = json.loads(version.canonical_json)
    return disclosure.public(data) if public else data


def frozen_pdf(version, public: bool) -> bytes:
    if public:
        from .models import PublicVersion

        found = PublicVersion.objects.filter(report_version=version).first()
        if found is not None:
            return bytes(found.pdf)
    return bytes(version.pdf)


def _draft_salts(assessment):
    """Salts for a draft's public view: secret (keyed by the server's secret key), but stable,
    so an unchanged draft keeps one fingerprint (and its cached PDF)."""
    key = settings.SECRET_KEY.encode()
    for number in itertools.count():
        message = f"draft-salt:{assessment.pk}:{number}".encode()
        yield hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def draft_data(assessment, data: dict, public: bool) -> dict:
    """A live draft as the asker may see it: the public view withholds what is marked."""
    if not public:
        return data
    marks = marks_for(assessment)
    if not marks:
        return data
    from safeguards.reports.assemble import fingerprint_of

    salts = _draft_salts(assessment)
    sealed = disclosure.seal(data, marks, salt=lambda: next(salts))
    sealed["fingerprint"] = fingerprint_of(sealed)
    return disclosure.public(sealed)
