"""Django's database sessions, with the read that every signed-in request makes written out.

The ORM took longer to build `Session.objects.get(session_key=…, expire_date__gt=now)` than
the database took to answer it; everything else (saving, expiry, clearsessions) is Django's.
"""

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@cache
def _load_sql(alias: str) -> str:
    from django.contrib.sessions.models import Session

    quote = connections[alias].ops.quote_name
    meta = Session._meta
    column = {name: quote(meta.get_field(name).column) for name in ("session_key", "expire_date")}
    return (
        f"SELECT {quote(meta.get_field('session_data').column)} FROM {quote(meta.db_table)}"
        f" WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        if key is not None:
            alias = router.db_for_read(self.model)
            connection = connections[alias]
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                cursor.execute(_load_sql(alias), [key, now])
                row = cursor.fetchone()
            if row is not None:
                return self.model(session_key=key, session_data=row[0])
        self._session_key = None  # as Django's: an unknown or expired key is dropped
        return None
