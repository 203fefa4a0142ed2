"""An upload handler that refuses a too large request before reading it: Django would otherwise
stream the whole body to a temporary file first. It stops at the declared length (from the
request header) or, for a lying header, at the first chunk past the limit."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

#: Room for the multipart envelope and the other form fields.
ENVELOPE = 64 * 1024


class SizeLimitHandler(FileUploadHandler):
    """Put first in ``request.upload_handlers``; afterwards ``too_large`` says what happened."""

    def __init__(self, request: HttpRequest | None, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.too_large = content_length > self.limit + ENVELOPE

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.too_large:
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
