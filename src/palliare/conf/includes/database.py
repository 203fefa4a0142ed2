"""Database settings: SQLite in the data directory by default, any DATABASE_URL otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from .environ import config


def database_settings(data_dir: Path) -> dict[str, Any]:
    """Return the DATABASES['default'] dict for this environment."""
    url = config(
        "DATABASE_URL",
        "",
        help_text=(
            "Database connection URL, e.g. postgres://user:pass@host:5432/palliare. "
            "Unset means the embedded SQLite database in DATA_DIR."
        ),
        group="Database",
    )
    conn_max_age = config(
        "DB_CONN_MAX_AGE",
        60,
        help_text="Seconds a database connection stays open between requests (0: close each time).",
        group="Database",
    )
    prepared_statements = config(
        "DB_PREPARED_STATEMENTS",
        True,
        help_text=(
            "PostgreSQL: bind parameters on the server and prepare repeated statements. "
            "Set false behind a transaction-pooling PgBouncer older than 1.21."
        ),
        group="Database",
    )
    if url:
        db = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
        if db["ENGINE"] == "django.db.backends.postgresql":
            # JIT compilation costs ~10 ms per query plan and never pays off for OLTP pages.
            options = db.setdefault("OPTIONS", {})
            options.setdefault("options", "-c jit=off")
            # Server-side parameters let psycopg prepare a statement it has seen twice on this
            # connection: PostgreSQL then skips parsing and planning (about a third of a
            # short query's time, docs/performance.md). Switch off behind a transaction-pooling
            # PgBouncer older than 1.21, which cannot keep prepared statements.
            if prepared_statements:
                options.setdefault("server_side_binding", True)
                options.setdefault("prepare_threshold", 2)
        return dict(db)
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(data_dir / "palliare.sqlite3"),
        "OPTIONS": {
            # WAL lets readers proceed while one writer commits; IMMEDIATE avoids
            # "database is locked" upgrades inside transactions.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }
