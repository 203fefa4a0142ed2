"""The second factor's middleware: django-otp's, with the session's device loaded by a
precompiled query.

``OTPMiddleware`` loads the device named in the session on every request; django-otp builds and
compiles that query each time (0.46 ms, of which the database's answer is 0.15 ms). Here it is
compiled once per process and device model (decision 0021). The checks stay django-otp's own:
the device must belong to the session's user and be confirmed (``_finalize_device``).
"""

from __future__ import annotations

import functools
from typing import Any

from asgiref.sync import sync_to_async
from django.apps import apps
from django.db.models import QuerySet
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from palliare.db.precompiled import PrecompiledQuery


@functools.cache
def _device_query(label: str) -> PrecompiledQuery[Any]:
    """The precompiled query by id for one device model (``app_label.Model``), built once."""
    model = apps.get_model(label)

    def by_id(pk: int) -> QuerySet[Any]:
        devices: QuerySet[Any] = model._default_manager.filter(pk=pk).order_by()[:1]
        return devices

    by_id.__qualname__ = f"device_by_id[{label}]"
    return PrecompiledQuery(by_id, pk=int)


def device_from_persistent_id(persistent_id: str) -> Device | None:
    """The device a persistent id (``app_label.model/pk``) names, or None, as
    ``Device.from_persistent_id`` answers it."""
    label, _slash, device_id = persistent_id.rpartition("/")
    try:
        model = apps.get_model(label)
        pk = int(device_id)
    except (LookupError, ValueError):
        return None
    if not issubclass(model, Device):
        return None
    found: Device | None = _device_query(model._meta.label).first(pk=pk)
    return found


class VerifiedDeviceMiddleware(OTPMiddleware):  # type: ignore[misc]
    """``request.user.otp_device``: the device that verified this session's user, or None."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        return device_from_persistent_id(self._normalize_persistent_id(persistent_id))

    async def _adevice_from_persistent_id(self, persistent_id: str) -> Device | None:
        return await sync_to_async(device_from_persistent_id)(
            self._normalize_persistent_id(persistent_id)
        )
