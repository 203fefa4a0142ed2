"""The translation check CI runs: a fuzzy or untranslated message is a problem, and so is one
English message translated differently by two apps (Django merges the catalogues, so the
first app would silently win) — unless a context tells them apart. The project's own
catalogues are consistent, and compiling writes a .mo file beside each catalogue."""

from __future__ import annotations

from pathlib import Path

import polib
from django.core.management import call_command

from palliare.ui.management.commands import i18n


def _catalogue(root: Path, app: str, entries: list[polib.POEntry]) -> Path:
    path = root / app / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        po.append(entry)
    po.save(str(path))
    return path


def test_fuzzy_and_untranslated_messages_are_problems(tmp_path):
    fuzzy = polib.POEntry(msgid="Deadline", msgstr="Deadline", flags=["fuzzy"])
    path = _catalogue(
        tmp_path,
        "deliveries",
        [fuzzy, polib.POEntry(msgid="Period", msgstr=""), polib.POEntry(msgid="Yes", msgstr="Ja")],
    )
    problems = i18n.problems_in(path)
    assert problems == [f"{path}: fuzzy: 'Deadline'", f"{path}: untranslated: 'Period'"]


def test_one_message_translated_two_ways_is_a_problem_unless_a_context_separates_them(tmp_path):
    first = _catalogue(tmp_path, "engagement", [polib.POEntry(msgid="Held", msgstr="Geweest")])
    second = _catalogue(tmp_path, "programme", [polib.POEntry(msgid="Held", msgstr="Gehouden")])
    [problem] = i18n.inconsistencies([first, second])
    assert "'Held'" in problem and "engagement: 'Geweest'" in problem

    third = _catalogue(
        tmp_path, "training", [polib.POEntry(msgid="Held", msgstr="Geweest", msgctxt="event")]
    )
    assert i18n.inconsistencies([third, second]) == []


def test_the_projects_catalogues_agree_with_each_other():
    paths = [
        i18n.catalogue(app_dir, "nl")
        for app_dir in i18n.app_dirs()
        if i18n.catalogue(app_dir, "nl").exists()
    ]
    assert len(paths) >= 15
    assert i18n.inconsistencies(paths) == []
    assert [p for path in paths for p in i18n.problems_in(path)] == []


def test_compile_writes_a_mo_file_for_every_catalogue(capsys):
    call_command("i18n", "compile")
    assert "Compiled" in capsys.readouterr().out
    for app_dir in i18n.app_dirs():
        po_path = i18n.catalogue(app_dir, "nl")
        if po_path.exists():
            assert po_path.with_suffix(".mo").exists()
