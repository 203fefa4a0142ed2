"""import_reference_data loads municipalities and PC4 areas idempotently, and a missing folder
or a malformed file changes nothing and names the file, line and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from palliare.organizations.models import Municipality, PostcodeArea
from palliare.organizations.reference_data import (
    MUNICIPALITIES,
    PC4_CENTROIDS,
    PC4_POPULATION,
    default_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_source(tmp_path: Path) -> Path:
    """A trimmed copy of the reference data: all municipalities, the region's PC4 areas."""
    source = default_source()
    (tmp_path / "derived").mkdir()
    shutil.copy(source / MUNICIPALITIES, tmp_path / MUNICIPALITIES)
    for relative in (PC4_CENTROIDS, PC4_POPULATION):
        lines = (source / relative).read_text(encoding="utf-8").splitlines()
        keep = [lines[0]] + [line for line in lines[1:] if line.startswith(("94", "78", "83"))]
        (tmp_path / relative).write_text("\n".join(keep) + "\n", encoding="utf-8")
    return tmp_path


def test_import_is_idempotent(small_source, capsys):
    call_command("import_reference_data", source=small_source)
    municipalities = Municipality.objects.count()
    areas = PostcodeArea.objects.count()
    assert municipalities == 342
    assert areas > 50
    assen = PostcodeArea.objects.get(pc4="9401")
    assert assen.municipality.name == "Assen"
    assert assen.population > 0
    assert assen.population_65_plus > 0
    assert 52.9 < assen.latitude < 53.1
    call_command("import_reference_data", source=small_source)
    assert "0 new, 0 updated; postcode areas 0 new, 0 updated" in capsys.readouterr().out
    assert (Municipality.objects.count(), PostcodeArea.objects.count()) == (municipalities, areas)


def test_missing_folder_gives_clear_error(tmp_path):
    with pytest.raises(CommandError, match="reference data folder not found"):
        call_command("import_reference_data", source=tmp_path / "nope")
    assert not Municipality.objects.exists()


def test_missing_file_is_named(small_source):
    (small_source / PC4_POPULATION).unlink()
    with pytest.raises(CommandError, match=r"pc4_population_by_age_2021\.csv: file not found"):
        call_command("import_reference_data", source=small_source)
    assert not Municipality.objects.exists()


def test_malformed_row_changes_nothing_and_names_line(small_source):
    path = small_source / PC4_CENTROIDS
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    fields[1] = "not-a-number"
    lines[3] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_reference_data", source=small_source)
    message = str(exc.value)
    assert "nothing was changed" in message
    assert f"{path}:4: centroid_lat is not a number" in message
    assert not Municipality.objects.exists()
    assert not PostcodeArea.objects.exists()


def test_missing_column_is_reported(small_source):
    path = small_source / MUNICIPALITIES
    text = path.read_text(encoding="utf-8").replace("gm_code", "code", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"municipalities_nl_2023.csv:1: missing columns gm_code"
    ):
        call_command("import_reference_data", source=small_source)


def test_not_utf8_is_reported(small_source):
    (small_source / MUNICIPALITIES).write_bytes(b"gm_code,name\n\xff\xfe\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_reference_data", source=small_source)


def test_skip_if_loaded(small_source, capsys):
    call_command("import_reference_data", source=small_source)
    call_command("import_reference_data", source=small_source, skip_if_loaded=True)
    assert "already loaded" in capsys.readouterr().out
