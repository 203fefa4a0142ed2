"""Pagination of API lists: ``limit`` (at most 200) and ``offset``.

Both are whole numbers as the schema says; anything else is a 400 naming the parameter (DRF's
own pagination would silently fall back to the default)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

#: The largest offset a list accepts (beyond it no list has rows; keeps the SQL in range).
MAX_OFFSET = 10**9


def _whole_number(request: Request, name: str, minimum: int, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise ValidationError(
            {
                name: [
                    _("Give a whole number from %(min)s to %(max)s.")
                    % {"min": minimum, "max": maximum}
                ]
            }
        )
    return int(raw)


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200

    def get_limit(self, request: Request) -> Any:
        limit = _whole_number(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if limit is None else limit

    def get_offset(self, request: Request) -> int:
        offset = _whole_number(request, self.offset_query_param, 0, MAX_OFFSET)
        return 0 if offset is None else offset
