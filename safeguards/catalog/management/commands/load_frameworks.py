"""Load framework files into the database: new versions are added, unchanged files skipped."""

import getpass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguards.catalog.loader import FrameworkError, load

FRAMEWORKS_DIR = Path(settings.BASE_DIR) / "safeguards" / "catalog" / "frameworks"


def default_loaded_by() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        user = "unknown user"
    return f"manage.py load_frameworks ({user})"


def _shown(path: Path) -> Path:
    """Shipped files by their path in the repository, others as given."""
    try:
        return path.resolve().relative_to(Path(settings.BASE_DIR))
    except ValueError:
        return path


class Command(BaseCommand):
    help = (
        "Load framework YAML files (default: every shipped file). A file with errors, or a "
        "changed file under a version number already loaded, is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, metavar="FILE")
        parser.add_argument(
            "--loaded-by",
            default=None,
            help='who or what loads the files (default: "manage.py load_frameworks (<OS user>)")',
        )

    def handle(self, files, loaded_by, **options):
        loaded_by = (loaded_by or default_loaded_by()).strip()
        if not loaded_by:
            raise CommandError("--loaded-by must not be empty.")
        if not files:
            files = sorted(FRAMEWORKS_DIR.glob("*.yaml"))
            if not files:
                self.stdout.write(f"No framework files in {FRAMEWORKS_DIR}.")
                return
        refused = []
        for path in map(_shown, files):
            try:
                result = load(path, loaded_by)
            except FrameworkError as error:
                refused.append(path)
                self.stdout.write(f"refused: {path}")
                for message in error.messages:
                    self.stderr.write(f"  {message}")
                continue
            version = result.version
            self.stdout.write(
                f"{result.status}: {path} -> {version.framework.slug} version {version.version}"
                f" (sha256 {version.source_sha256[:12]}…)"
            )
        if refused:
            names = ", ".join(str(path) for path in refused)
            raise CommandError(f"{len(refused)} file(s) refused, nothing loaded from them: {names}")
