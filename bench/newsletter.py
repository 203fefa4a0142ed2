"""Benchmark: sending a newsletter edition to many subscribers.

    .venv/bin/python bench/newsletter.py [--subscribers 50000] [--batch 500]

Creates a throw-away test database with ``--subscribers`` confirmed subscribers on one list,
queues an edition and runs the sending task (``engagement.services.newsletter.send_edition``)
with the rate limit off. Each message is built with its RFC 8058 headers and serialised to
bytes by the mail backend (``CountingBackend`` below: like locmem, but it counts and forgets
the message, because locmem's ``mail.outbox`` would itself hold all 50,000). Prints messages
per second and the traced Python memory (tracemalloc) after each tenth of the batches: flat
memory means the task never holds the recipients at once. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core.mail.backends.base import BaseEmailBackend  # noqa: E402


class CountingBackend(BaseEmailBackend):
    """Serialises every message (as SMTP would) and counts it; keeps nothing."""

    sent = 0
    size = 0
    samples: list[tuple[int, int]] = []  # (messages sent so far, traced bytes now)

    def send_messages(self, email_messages: Any) -> int:
        count = 0
        for message in email_messages:
            CountingBackend.size += len(message.message().as_bytes())
            count += 1
        CountingBackend.sent += count
        CountingBackend.samples.append((CountingBackend.sent, tracemalloc.get_traced_memory()[0]))
        return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from django.utils import timezone

    setup_test_environment()
    settings.EMAIL_BACKEND = "__main__.CountingBackend"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from palliare.engagement.constants import Audience, EditionStatus
        from palliare.engagement.models import Edition, NewsletterList, Subscriber
        from palliare.engagement.services import newsletter

        started = time.perf_counter()
        lst = NewsletterList.objects.create(name="Inwoners", audience=Audience.INHABITANTS)
        now = timezone.now()
        Through = Subscriber.lists.through
        for start in range(0, args.subscribers, 5000):
            chunk = Subscriber.objects.bulk_create(
                Subscriber(email=f"lezer{n}@example.invalid", confirmed_at=now)
                for n in range(start, min(start + 5000, args.subscribers))
            )
            Through.objects.bulk_create(
                Through(subscriber_id=s.pk, newsletterlist_id=lst.pk) for s in chunk
            )
        print(f"{args.subscribers} subscribers loaded in {time.perf_counter() - started:.1f} s")

        edition = Edition.objects.create(
            subject="Nieuwsbrief",
            blocks=[
                {"kind": "text", "title": "Nieuws", "body": "Een alinea tekst. " * 30},
                {"kind": "events"},
            ],
        )
        edition.lists.set([lst])
        content, _html, _text = newsletter.render_edition(edition)
        total = newsletter.recipients(edition).count()
        Edition.objects.filter(pk=edition.pk).update(
            html=content, total=total, status=EditionStatus.SENDING
        )

        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        sent = newsletter.send_edition(edition.pk, batch_size=args.batch, max_per_second=0)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        edition.refresh_from_db()

        print(
            f"sent {sent} messages ({edition.sent_count}/{edition.total}, status "
            f"{edition.status}) in {elapsed:.1f} s: {sent / elapsed:.0f} messages/s, "
            f"{CountingBackend.size / sent / 1024:.1f} KiB per message"
        )
        samples = CountingBackend.samples
        step = max(1, len(samples) // 10)
        print("traced memory above the start, after each tenth of the batches (MiB):")
        for done, traced in samples[step - 1 :: step]:
            print(f"  {done:>7} sent: {(traced - baseline) / 2**20:6.2f}")
        print(
            f"peak {(peak - baseline) / 2**20:.2f} MiB above the start "
            f"(batch of {args.batch}; the recipients are never all in memory)"
        )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
