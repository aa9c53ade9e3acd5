"""Offices and the roles people hold in them."""

from django.conf import settings
from django.db import models

DEFAULT_ATTESTATION = (
    "I have reviewed every answer, its rationale and its evidence, and I approve this report "
    "as the office's finding."
)


class PaperSize(models.TextChoices):
    LETTER = "letter", "US Letter"
    A4 = "a4", "A4"


class Office(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Letterhead and report settings, edited by the office admin.
    address_line = models.CharField(max_length=300, blank=True)
    logo = models.FileField(upload_to="office-logos/", blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    paper_size = models.CharField(
        max_length=10, choices=PaperSize.choices, default=PaperSize.LETTER
    )
    # The statement an approver signs at approval (shown on the confirmation step).
    attestation_text = models.TextField(default=DEFAULT_ATTESTATION)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    REVIEWER = "reviewer", "Reviewer"
    APPROVER = "approver", "Approver"
    ADMIN = "admin", "Office admin"
    # A person at the operator under review: sees only the requests and drafts sent to them.
    RESPONDENT = "respondent", "Respondent"


# The roles of the office's own staff (the members page offers these; respondents are invited
# from an information request).
STAFF_ROLES = [(value, label) for value, label in Role.choices if value != Role.RESPONDENT]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["office__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office"], name="membership_one_role_per_office"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[choice for choice in Role.values]),
                name="membership_role_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.office}"


class Profile(models.Model):
    """What reports print about a person: full name and title (never the username)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()


def display_name(user) -> str:
    """The name to print for `user`: profile full name, else Django's full name, else username."""
    profile = getattr(user, "profile", None) if user is not None else None
    try:
        if profile is not None and profile.full_name:
            return profile.full_name
    except Profile.DoesNotExist:
        pass
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def display_title(user) -> str:
    try:
        return user.profile.title if user is not None else ""
    except Profile.DoesNotExist:
        return ""
