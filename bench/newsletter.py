"""Benchmark: sending a newsletter edition to 10,000, 25,000 and 50,000 subscribers.

    .venv/bin/python bench/newsletter.py                       # 10k, 25k, 50k; 2 rounds each
    .venv/bin/python bench/newsletter.py --sizes 2000 --rounds 1   # smoke run

Creates a throw-away test database and grows one list to each size in turn (confirmed
subscribers). At each size it runs, in interleaved rounds:

- **palliare**: the real sending task (``engagement.services.newsletter.send_edition``) for a
  freshly queued edition, with the rate limit off;
- **floor**: the same messages built and sent the simplest way, with Django's mail API in a
  plain loop: for each address (generated, no database) an ``EmailMultiAlternatives`` with the
  same subject, text, HTML, RFC 8058 headers and a personal signed unsubscribe link, sent over
  one connection.

Both go to ``CountingBackend`` (below): like locmem it serialises each message as SMTP would,
but it counts and forgets it, because locmem's ``mail.outbox`` would itself hold all 50,000.
tracemalloc traces Python's allocations throughout; the backend records the **peak of each
batch** (peak since the previous batch, then ``reset_peak``). Flat memory means the peak of the
last batch at 50,000 is that of the first at 10,000: the task never holds the recipients at
once. Time: wall and process CPU per message for both, and the ratio palliare/floor per round
(the extra cost of reading recipients in batches and saving the cursor). Linear time means the
CPU per message stays the same from 10,000 to 50,000. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palliare.conf.ci")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core.mail.backends.base import BaseEmailBackend  # noqa: E402

MIB = 2**20


class CountingBackend(BaseEmailBackend):
    """Serialises every message (as SMTP would) and counts it; keeps nothing. Each call is one
    batch: it records the traced peak since the previous call and resets it."""

    sent = 0
    size = 0
    batch_peaks: list[int] = []

    def send_messages(self, email_messages: Any) -> int:
        count = 0
        for message in email_messages:
            CountingBackend.size += len(message.message().as_bytes())
            count += 1
        CountingBackend.sent += count
        CountingBackend.batch_peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.reset_peak()
        return count

    @classmethod
    def reset(cls) -> None:
        cls.sent = 0
        cls.size = 0
        cls.batch_peaks = []


def _grow_list(list_id: int, have: int, want: int) -> None:
    """Add confirmed subscribers ``have`` … ``want - 1`` to the list, 5,000 per query."""
    from django.utils import timezone

    from palliare.engagement.models import Subscriber

    now = timezone.now()
    through = Subscriber.lists.through
    for start in range(have, want, 5000):
        chunk = Subscriber.objects.bulk_create(
            Subscriber(email=f"lezer{n}@example.invalid", confirmed_at=now)
            for n in range(start, min(start + 5000, want))
        )
        through.objects.bulk_create(
            through(subscriber_id=s.pk, newsletterlist_id=list_id) for s in chunk
        )


def _queue_edition(list_id: int) -> int:
    from palliare.engagement.constants import EditionStatus
    from palliare.engagement.models import Edition
    from palliare.engagement.services import newsletter

    edition = Edition.objects.create(
        subject="Nieuwsbrief",
        blocks=[
            {"kind": "text", "title": "Nieuws", "body": "Een alinea tekst. " * 30},
            {"kind": "events"},
        ],
    )
    edition.lists.set([list_id])
    content, _html, _text = newsletter.render_edition(edition)
    total = newsletter.recipients(edition).count()
    Edition.objects.filter(pk=edition.pk).update(
        html=content, total=total, status=EditionStatus.SENDING
    )
    return edition.pk


def _measure(run: Any) -> dict[str, Any]:
    """Run ``run()`` under tracemalloc; wall and CPU seconds, messages, batch peaks (bytes
    above the traced memory at the start)."""
    CountingBackend.reset()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tracemalloc.stop()
    peaks = [p - baseline for p in CountingBackend.batch_peaks]
    return {
        "wall": wall,
        "cpu": cpu,
        "sent": CountingBackend.sent,
        "bytes": CountingBackend.size,
        "peaks": peaks,
    }


def _palliare(list_id: int, batch: int) -> dict[str, Any]:
    from palliare.engagement.services import newsletter

    edition_id = _queue_edition(list_id)
    return _measure(lambda: newsletter.send_edition(edition_id, batch_size=batch, max_per_second=0))


def _floor(list_id: int, size: int, batch: int) -> dict[str, Any]:
    """The same messages through Django's mail API in a plain loop, addresses generated."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.urls import reverse

    from palliare.engagement import tokens
    from palliare.engagement.models import Edition
    from palliare.engagement.services import newsletter
    from palliare.engagement.services.common import site

    edition = Edition.objects.get(pk=_queue_edition(list_id))
    _content, html, text = newsletter.render_edition(edition)
    base = site(reverse("engagement:unsubscribe", args=["TOKEN"]))

    def addresses() -> Iterator[tuple[int, str]]:
        for n in range(size):
            yield n + 1, f"lezer{n}@example.invalid"

    def run() -> None:
        connection = get_connection()
        pending: list[Any] = []
        for pk, address in addresses():
            url = base.replace("TOKEN", tokens.make("subscriber_manage", pk, "0" * 32))
            message = EmailMultiAlternatives(
                edition.subject,
                f"{text}\n\nAfmelden: {url}\n",
                settings.DEFAULT_FROM_EMAIL,
                [address],
                connection=connection,
                headers={
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    "List-Id": f"{settings.NETWORK_NAME} <newsletter.palliare>",
                },
            )
            message.attach_alternative(
                html.replace("</body>", f'<p><a href="{url}">Afmelden</a></p></body>'),
                "text/html",
            )
            pending.append(message)
            if len(pending) == batch:  # the same batches, so the memory is comparable
                connection.send_messages(pending)
                pending = []
        if pending:
            connection.send_messages(pending)

    return _measure(run)


def _line(label: str, m: dict[str, Any]) -> str:
    peaks = m["peaks"] or [0]
    return (
        f"  {label:<9} {m['sent']:>6} msgs  {m['wall']:6.1f} s wall  "
        f"{m['sent'] / m['wall']:5.0f} msg/s  {m['cpu'] / m['sent'] * 1e6:6.0f} µs CPU/msg  "
        f"batch peak first/median/max {peaks[0] / MIB:5.2f} / "
        f"{statistics.median(peaks) / MIB:5.2f} / {max(peaks) / MIB:5.2f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,25000,50000")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    settings.EMAIL_BACKEND = "__main__.CountingBackend"
    old = setup_databases(verbosity=0, interactive=False)
    summary: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    try:
        from palliare.engagement.constants import Audience
        from palliare.engagement.models import NewsletterList

        list_id = NewsletterList.objects.create(name="Inwoners", audience=Audience.INHABITANTS).pk
        have = 0
        print(f"batch {args.batch}, {args.rounds} interleaved rounds per size")
        for size in sizes:
            started = time.perf_counter()
            _grow_list(list_id, have, size)
            have = size
            print(f"{size} subscribers (loaded in {time.perf_counter() - started:.1f} s)")
            best_p: dict[str, Any] | None = None
            best_f: dict[str, Any] | None = None
            for round_ in range(1, args.rounds + 1):
                floor = _floor(list_id, size, args.batch)
                real = _palliare(list_id, args.batch)
                assert real["sent"] == size, real["sent"]
                print(_line("floor", floor))
                print(_line("palliare", real))
                print(
                    f"  round {round_}: palliare/floor CPU per message "
                    f"{real['cpu'] / floor['cpu']:.2f}×, "
                    f"{real['bytes'] / real['sent'] / 1024:.1f} KiB per message"
                )
                if best_p is None or real["cpu"] < best_p["cpu"]:
                    best_p = real
                if best_f is None or floor["cpu"] < best_f["cpu"]:
                    best_f = floor
            assert best_p is not None and best_f is not None
            summary.append((size, best_p, best_f))
        print("\nbest round per size (lowest CPU):")
        print("  size    µs CPU/msg palliare  floor  ratio  msg/s   peak of the last batch  max")
        for size, real, floor in summary:
            print(
                f"  {size:>6}  {real['cpu'] / size * 1e6:10.0f}  {floor['cpu'] / size * 1e6:10.0f}"
                f"  {real['cpu'] / floor['cpu']:5.2f}× {size / real['wall']:6.0f}"
                f"  {real['peaks'][-1] / MIB:10.2f} MiB  {max(real['peaks']) / MIB:10.2f} MiB"
            )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
