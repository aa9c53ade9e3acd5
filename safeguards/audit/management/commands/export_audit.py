"""Write the audit chain as JSON lines, for anyone to re-verify without this application."""

import json

from django.core.management.base import BaseCommand, CommandError

from safeguards.audit.verify import rows, snapshot


class Command(BaseCommand):
    help = (
        "Write every audit event as one JSON object per line: the hashed fields, prev_hash "
        "and hash (docs/audit.md says how to check them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")

    def handle(self, *args, output, **options):
        last_seq = snapshot()[0]  # events appended meanwhile are left for the next export
        try:
            target = open(output, "w", encoding="utf-8", newline="\n") if output else None
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        stream = target or self.stdout
        count = 0
        try:
            for fields, prev_hash, hash_ in rows(0, last_seq):
                line = {**fields, "prev_hash": prev_hash, "hash": hash_}
                # ASCII only: no character in a value can be taken for a line break by any
                # reader (U+2028 is one to str.splitlines and to JavaScript).
                stream.write(json.dumps(line) + "\n")
                count += 1
        finally:
            if target:
                target.close()
        if output:
            self.stderr.write(f"Exported {count} events to {output}.")
