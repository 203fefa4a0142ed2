"""The session engine: Django's database sessions, loaded with a precompiled query.

Every request loads its session. Django's ``db`` engine builds and compiles the same query
each time (0.40 ms, of which the database's answer is 0.17 ms; docs/performance.md); this one
compiles it once per process (decision 0021) and compares the expiry in Python, so that the
query has no moment frozen into it. Everything else (saving, creating, cycling keys, clearing
expired sessions) is Django's.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from palliare.db.precompiled import PrecompiledQuery


def _session(key: str) -> QuerySet[Session]:
    return Session.objects.filter(session_key=key).order_by()[:1]


#: Loaded on every request: compiled once per process (decision 0021).
SESSION_BY_KEY = PrecompiledQuery(_session, key=str)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        found = SESSION_BY_KEY.first(key=key) if isinstance(key, str) else None
        if found is None or found.expire_date <= timezone.now():
            # As Django's engine: an unknown or expired key is dropped, and a new session
            # gets a new key when it is saved.
            self._session_key = None
            return None
        return found

    async def _aget_session_from_db(self) -> Session | None:
        return await sync_to_async(self._get_session_from_db)()
