"""Translation catalogues, one per app (``<app>/locale/nl/LC_MESSAGES/django.po``).

    manage.py i18n extract   update every app's catalogue from its code and templates
    manage.py i18n compile   write the .mo files (pure Python: no gettext needed at set-up)
    manage.py i18n check     fail if a message is not extracted, untranslated or fuzzy

``extract`` and ``check`` need GNU gettext (xgettext); ``compile`` does not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import polib
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

LANGUAGES = ["nl"]


def app_dirs() -> list[Path]:
    return [Path(c.path) for c in apps.get_app_configs() if c.name.startswith("palliare.")]


def catalogue(app_dir: Path, language: str) -> Path:
    return app_dir / "locale" / language / "LC_MESSAGES" / "django.po"


def _has_messages(app_dir: Path) -> bool:
    for path in (
        list(app_dir.rglob("*.py")) + list(app_dir.rglob("*.html")) + list(app_dir.rglob("*.txt"))
    ):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if "translate" in text or "gettext" in text or " _(" in text:
            return True
    return False


def extract(app_dir: Path) -> None:
    if not _has_messages(app_dir):
        return
    (app_dir / "locale").mkdir(exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "django",
        "makemessages",
        *[f"--locale={lang}" for lang in LANGUAGES],
        "--no-obsolete",
        "--add-location=file",
        "--extension=html,txt,py",
        "--ignore=tests/*",
        "--ignore=migrations/*",
        "--ignore=*/tests/*",
    ]
    env = os.environ.copy()
    src = str(Path(__file__).resolve().parents[4])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    result = subprocess.run(  # noqa: S603 (fixed argv, our own interpreter)
        command,
        cwd=app_dir,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"makemessages failed in {app_dir}:\n{result.stderr}")


def problems_in(path: Path) -> list[str]:
    po = polib.pofile(str(path))
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"{path}: fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"{path}: untranslated: {entry.msgid!r}")
    return found


def inconsistencies(paths: list[Path]) -> list[str]:
    """Messages translated differently by different apps (Django merges the catalogues, so the
    first app in INSTALLED_APPS would silently win). Give differing meanings a context
    (``pgettext``) instead."""
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for path in paths:
        app = path.parents[3].name
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.translated():
                continue
            key = (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
            value = entry.msgstr or repr(sorted(entry.msgstr_plural.items()))
            seen.setdefault(key, {})[app] = value
    problems = []
    for (_ctx, msgid, _plural), by_app in sorted(seen.items()):
        if len(set(by_app.values())) > 1:
            variants = "; ".join(f"{app}: {text!r}" for app, text in sorted(by_app.items()))
            problems.append(f"translated differently: {msgid!r} ({variants})")
    return problems


class Command(BaseCommand):
    help = "Extract, compile or check the translation catalogues of every Palliare app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["extract", "compile", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")()

    def do_extract(self) -> None:
        for app_dir in app_dirs():
            extract(app_dir)
        self.stdout.write("Catalogues updated.")

    def do_compile(self) -> None:
        count = 0
        for app_dir in app_dirs():
            for lang in LANGUAGES:
                po_path = catalogue(app_dir, lang)
                if po_path.exists():
                    polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                    count += 1
        self.stdout.write(f"Compiled {count} catalogues.")

    def do_check(self) -> None:
        problems: list[str] = []
        with tempfile.TemporaryDirectory() as tmp:
            backups: dict[Path, Path] = {}
            for app_dir in app_dirs():
                for lang in LANGUAGES:
                    po_path = catalogue(app_dir, lang)
                    if po_path.exists():
                        backup = Path(tmp) / f"{app_dir.name}-{lang}.po"
                        shutil.copy2(po_path, backup)
                        backups[po_path] = backup
            try:
                for app_dir in app_dirs():
                    extract(app_dir)
                    for lang in LANGUAGES:
                        po_path = catalogue(app_dir, lang)
                        if not po_path.exists():
                            continue
                        before = (
                            {e.msgid for e in polib.pofile(str(backups[po_path]))}
                            if po_path in backups
                            else set()
                        )
                        after = {e.msgid for e in polib.pofile(str(po_path)) if not e.obsolete}
                        for msgid in sorted(after - before):
                            problems.append(f"{po_path}: not extracted yet: {msgid!r}")
                        problems.extend(problems_in(po_path))
            finally:
                for app_dir in app_dirs():
                    for lang in LANGUAGES:
                        po_path = catalogue(app_dir, lang)
                        if po_path in backups:
                            shutil.copy2(backups[po_path], po_path)
                        elif po_path.exists():
                            po_path.unlink()
        problems.extend(
            inconsistencies(
                [
                    catalogue(app_dir, lang)
                    for app_dir in app_dirs()
                    for lang in LANGUAGES
                    if catalogue(app_dir, lang).exists()
                ]
            )
        )
        if problems:
            raise CommandError("Translation problems:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("All messages extracted and translated."))
