"""Reading an uploaded file into rows of cells: XLSX (openpyxl) or CSV (comma, semicolon or
tab; UTF-8 with or without BOM, UTF-16 from Excel's "Unicode text", or Windows-1252 as Dutch
Excel saves "CSV (puntkomma gescheiden)").

Everything that is not a plain spreadsheet is refused with a Dutch message before any value is
looked at: an empty or too large file, an old .xls, a PDF or other binary, a workbook with
macros, a zip bomb. Formulas are kept as :class:`Formula` cells so that validation can refuse
them per row. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .constants import MAX_ROWS, MAX_UPLOAD_BYTES

#: A workbook whose parts unpack to more than this is refused (zip bomb).
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlsb", ".xla", ".xlam")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
DATA_SHEET = "Aanlevering"


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is for people."""


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula (refused: a delivery holds figures, not calculations)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """The cells of the data sheet, row by row (row 1 first), and what kind of file it was."""

    rows: list[list[object]]
    kind: str


def _too_large() -> FileProblem:
    return FileProblem(
        _("The file is larger than %(size)s MB. A filled template is only a few kB.")
        % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
    )


def read(data: bytes, file_name: str = "") -> Table:
    """The rows of an uploaded file. Raises FileProblem."""
    if not data:
        raise FileProblem(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    name = file_name.lower()
    if name.endswith(MACRO_EXTENSIONS):
        raise FileProblem(
            _("Files with macros (%(ext)s) are not accepted. Save the template as .xlsx.")
            % {"ext": name.rsplit(".", 1)[-1]}
        )
    if data.startswith(_ZIP):
        return _read_xlsx(data)
    if data.startswith(_OLE):
        raise FileProblem(
            _("This is an old Excel file (.xls) or another Office file. Save it as .xlsx or CSV.")
        )
    if name.endswith((".xlsx", ".xls")):
        raise FileProblem(_("This file is not a readable Excel file. Download the template again."))
    return _read_csv(data)


def _read_xlsx(data: bytes) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(_("This file is not a readable Excel file.")) from exc
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise FileProblem(_("The file contains macros. Save the template as .xlsx without macros."))
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise FileProblem(
            _("This is a zip file, but not an Excel workbook. Upload the filled template.")
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise _too_large()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        OSError,
    ) as exc:
        raise FileProblem(_("This file is not a readable Excel file.")) from exc
    try:
        sheet = (
            workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        )
        rows: list[list[object]] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_ROWS:
                raise FileProblem(
                    _("The file has more than %(max)s rows. Use the template.") % {"max": MAX_ROWS}
                )
            cells: list[object] = []
            for cell in row[:20]:
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", "") == "f" or (
                    isinstance(value, str) and value.startswith("=")
                ):
                    cells.append(Formula(str(value)))
                elif value is not None and not isinstance(value, str | int | float | bool):
                    cells.append(
                        Formula(str(value)) if "Formula" in type(value).__name__ else value
                    )
                else:
                    cells.append(value)
            rows.append(cells)
    except (KeyError, ValueError, TypeError, IndexError, zipfile.BadZipFile) as exc:
        raise FileProblem(_("This file is not a readable Excel file.")) from exc
    finally:
        workbook.close()
    return Table(rows, "xlsx")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileProblem(_("The file is not readable text.")) from exc
    if b"\x00" in data:
        raise FileProblem(
            _("This file is not a spreadsheet. Upload the template as .xlsx or as CSV.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _("This file is not a spreadsheet. Upload the template as .xlsx or as CSV.")
        ) from exc


def _delimiter(text: str) -> str:
    sample = [line for line in text.splitlines()[:20] if line.strip()]
    counts = {d: sum(line.count(d) for line in sample) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if text.startswith("%PDF") or text.lstrip().lower().startswith(("<!doctype", "<html", "{")):
        raise FileProblem(
            _("This file is not a spreadsheet. Upload the template as .xlsx or as CSV.")
        )
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    rows: list[list[object]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        for number, row in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise FileProblem(
                    _("The file has more than %(max)s rows. Use the template.") % {"max": MAX_ROWS}
                )
            rows.append([Formula(c.strip()) if c.strip().startswith("=") else c for c in row[:20]])
    except csv.Error as exc:
        raise FileProblem(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc
    return Table(rows, "csv")
