"""Idempotent creates: each create form carries a one-time token; the first post that uses it
makes the record, every later post of the same token is refused with a link to that record."""

import re
import secrets

from django.db import IntegrityError, transaction

from .models import FormToken

FIELD = "once"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class AlreadyUsed(Exception):
    """The form was already sent; `url` and `label` say what it made (if it was this user's)."""

    def __init__(self, url: str = "", label: str = ""):
        self.url, self.label = url, label
        super().__init__("This form was already sent.")


def new_token() -> str:
    return secrets.token_urlsafe(18)


def token_of(request) -> str:
    """The token a form should carry: the one posted (a refused form shown again), else new."""
    posted = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return posted if TOKEN.match(posted) else new_token()


def claim(request) -> FormToken | None:
    """Take the posted token for this create, inside the create's transaction.

    Raises AlreadyUsed when it was taken before. A post without a token (an older page, a
    script) is not protected and gets None.
    """
    token = request.POST.get(FIELD, "")
    if not TOKEN.match(token):
        return None
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "claim() runs inside the create's transaction."
        )
    try:
        with transaction.atomic():
            return FormToken.objects.create(token=token, user=request.user)
    except IntegrityError:
        used = FormToken.objects.filter(token=token, user=request.user).first()
        raise AlreadyUsed(used.url if used else "", used.label if used else "") from None


def made(claimed: FormToken | None, record) -> None:
    """Note what the claimed create made, for the refusal of a second post."""
    if claimed is not None:
        claimed.url = record.get_absolute_url()
        claimed.label = str(getattr(record, "title", None) or getattr(record, "name", record))[:300]
        claimed.save(update_fields=["url", "label"])


def refused(request, error: AlreadyUsed):
    """The answer to a second post of a create form: 409, with a link to what was made."""
    from django.shortcuts import render

    return render(
        request, "reviews/already_sent.html", {"url": error.url, "label": error.label}, status=409
    )
