import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from safeguards.accounts.members import MembershipError, set_role
from safeguards.accounts.models import Office, Role


class Command(BaseCommand):
    help = "Give a user a role in an office (creating the user with --create). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("office", help="the office's slug")
        parser.add_argument("username")
        parser.add_argument("role", help="one of: " + ", ".join(Role.values))
        parser.add_argument("--create", action="store_true", help="create the user if missing")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the user's new password from the first line of standard input",
        )

    def handle(self, office, username, role, create, password_stdin, **options):
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}: use one of {', '.join(Role.values)}.")
        office_obj = Office.objects.filter(slug=office).first()
        if office_obj is None:
            raise CommandError(
                f"Unknown office {office!r}. Create it first: python manage.py create_office "
                f'{office} "Office name"'
            )
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password on standard input.")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None and not create:
            raise CommandError(f"Unknown user {username!r}. Add --create to create the account.")
        if password is not None:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError("Password refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            if user is None:
                user = User(username=username)
                user.set_unusable_password()
                user.save()
                self.stdout.write(f"Created user {username}")
            if password is not None:
                user.set_password(password)
                user.save(update_fields=["password"])
            try:
                changed = set_role(office_obj, user, role, by=None)
            except MembershipError as error:
                raise CommandError(error.message) from error
        state = "now" if changed else "already"
        self.stdout.write(f"{username} is {state} {Role(role).label} in {office_obj.slug}")
