"""Write a loaded framework version as JSON (every field) or YAML (the file format)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguards.catalog.export import find_version, to_json, to_yaml


class Command(BaseCommand):
    help = "Export a framework version as loaded (default: the newest version)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version here means the framework's version: let ours replace Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--version", dest="framework_version", type=int, default=None, metavar="V"
        )
        parser.add_argument("--format", choices=["json", "yaml"], required=True)
        parser.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")

    def handle(self, slug, framework_version, format, output, **options):
        version = find_version(slug, framework_version)
        if version is None:
            which = f"version {framework_version} of " if framework_version else ""
            raise CommandError(
                f"No {which}framework {slug!r} is loaded (see manage.py load_frameworks)."
            )
        text = to_json(version) if format == "json" else to_yaml(version)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from None
        self.stderr.write(f"Wrote {slug} version {version.version} to {output}")
