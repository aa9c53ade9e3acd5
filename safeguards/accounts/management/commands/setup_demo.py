import json
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from safeguards.accounts.members import set_role
from safeguards.accounts.models import Role

DEMO_OFFICE = ("demo", "Demo Oversight Office")
DEMO_USERS = [
    ("demo-reviewer", Role.REVIEWER),
    ("demo-approver", Role.APPROVER),
    ("demo-viewer", Role.VIEWER),
    ("demo-admin", Role.ADMIN),
]


def demo_passwords_path():
    return settings.DATA_DIR / "demo-passwords.json"


def load_or_create_passwords() -> dict[str, str]:
    """Random passwords, kept (owner-only) in the data folder so re-runs print the same ones."""
    path = demo_passwords_path()
    if path.exists():
        stored = json.loads(path.read_text())
        if all(username in stored for username, _ in DEMO_USERS):
            return stored
    passwords = {username: secrets.token_urlsafe(12) for username, _ in DEMO_USERS}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(passwords, handle, indent=2)
    return passwords


class Command(BaseCommand):
    help = "Create the demo office, its users and demo content. Safe to run again."

    def handle(self, **options):
        slug, name = DEMO_OFFICE
        call_command("create_office", slug, name, stdout=self.stdout)
        from safeguards.accounts.models import Office

        office = Office.objects.get(slug=slug)
        passwords = load_or_create_passwords()
        User = get_user_model()
        users = {}
        with transaction.atomic():
            for username, role in DEMO_USERS:
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(username=username)
                if not user.check_password(passwords[username]):
                    user.set_password(passwords[username])
                user.save()
                set_role(office, user, role)
                users[role] = user
        from safeguards.reviews.demo import create_demo_content

        created = create_demo_content(office, users)
        if created:
            self.stdout.write(f"Created demo content: {created}")
        self.stdout.write("")
        self.stdout.write(f"Demo users (passwords kept in {demo_passwords_path()}):")
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {username:<15} {Role(role).label:<13} {passwords[username]}")
