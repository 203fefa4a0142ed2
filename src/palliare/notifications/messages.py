"""A notification's text as a message id with parameters, rendered in the reader's language.

A notification is made once but read by people in Dutch and in English, and a user may switch
language afterwards. So the text is not stored translated: :func:`message` keeps the English
message id (marked with ``gettext_noop`` at the call site, so the catalogue extracts it) and its
parameters, each encoded so it can be rendered later:

* a lazy translatable label (a choice's ``.label``, ``gettext_lazy``) is kept as its message id
  and translated at display time;
* a date or date-time is kept as ISO text with the locale's named format to show it in
  (``DATE_FORMAT``, ``MONTH_DAY_FORMAT``, …), so "17 december" in Dutch is "December 17" in
  English;
* anything else (a name, a reference, a number) is kept as text.

:func:`render` turns a stored id and parameters back into text in the active language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext


@dataclass(frozen=True)
class Message:
    """A message id (English, as in the catalogue) with its encoded parameters."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        if language is None:
            return render(self.msgid, self.params)
        with translation.override(language):
            return render(self.msgid, self.params)


class DateParam:
    """A date (or date-time) shown in one of the locale's named formats."""

    def __init__(self, value: dt.date, format_name: str = "DATE_FORMAT") -> None:
        self.value = value
        self.format_name = format_name


def _encode(value: Any) -> Any:
    if isinstance(value, DateParam):
        value, format_name = value.value, value.format_name
    elif isinstance(value, dt.date):
        format_name = "DATETIME_FORMAT" if isinstance(value, dt.datetime) else "DATE_FORMAT"
    else:
        format_name = ""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat(), "format": format_name}
    if isinstance(value, dt.date):
        return {"date": value.isoformat(), "format": format_name}
    if isinstance(value, Promise):
        with translation.override(None):  # no catalogue active: the message id itself
            return {"msg": str(value)}
    return str(value)


def message(msgid: str, **params: Any) -> Message:
    """The message ``msgid`` (wrap it in ``gettext_noop`` so it is extracted) with
    ``params`` encoded for rendering later in any language."""
    return Message(msgid, {key: _encode(value) for key, value in params.items()})


def _decode(value: Any) -> str:
    if isinstance(value, dict):
        if "msg" in value:
            return gettext(str(value["msg"]))
        if "datetime" in value:
            moment = dt.datetime.fromisoformat(value["datetime"])
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, value.get("format") or "DATETIME_FORMAT")
        if "date" in value:
            day = dt.date.fromisoformat(value["date"])
            return formats.date_format(day, value.get("format") or "DATE_FORMAT")
    return str(value)


def render(msgid: str, params: dict[str, Any] | None) -> str:
    """The message in the active language. A parameter the message does not use, or a message
    whose translation lost a placeholder, never raises: the text without substitution is
    better than an error page."""
    text = gettext(msgid)
    if not params:
        return text
    values = {key: _decode(value) for key, value in params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        try:
            return msgid % values
        except (KeyError, ValueError, TypeError):
            return text
