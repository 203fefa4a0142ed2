"""API endpoints of deliveries: the data sets the caller's organisation delivers, and its
deliveries (read and submit). Submitting runs exactly the checks of an uploaded template."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from palliare.accounts.permissions import Permission
from palliare.api.access import PalliareAPIView
from palliare.api.errors import ErrorSerializer

from .. import periods, services
from ..models import DataSet, Delivery
from .serializers import DataSetSerializer, DeliveryInSerializer, DeliverySerializer

TAGS = ["deliveries"]


def _own_deliveries(request: Request) -> QuerySet[Delivery]:
    return (
        Delivery.objects.for_organization(request.actor.organization_id)  # type: ignore[attr-defined]
        .select_related("data_set", "version")
        .prefetch_related("values")
        .order_by("-submitted_at", "-pk")
    )


class DataSetList(PalliareAPIView):
    """The data sets your organisation delivers, each with its current version."""

    required_permissions = (Permission.DELIVER_FIGURES,)
    serializer_class = DataSetSerializer

    @extend_schema(
        responses={200: DataSetSerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        sets = services.data_sets_for(request.actor.organization)  # type: ignore[attr-defined]
        page = self.paginate_queryset(sets)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DeliveryList(PalliareAPIView):
    """Your organisation's deliveries (every version), newest first; or submit a new one."""

    required_permissions = (Permission.DELIVER_FIGURES,)
    serializer_class = DeliverySerializer

    @extend_schema(
        responses={200: DeliverySerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(_own_deliveries(request))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=DeliveryInSerializer,
        responses={201: DeliverySerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Deliver figures for one data set and period. Validated whole: any error and nothing
        is stored (400, with ``errors`` per value: ``values[n]`` is the n-th value, from 1)."""
        incoming = DeliveryInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        organization = request.actor.organization  # type: ignore[attr-defined]
        data_set = (
            DataSet.objects.filter(
                code=data["data_set"],
                organization_type=getattr(organization, "type", None),
                is_active=True,
                versions__isnull=False,
            )
            .distinct()
            .first()
        )
        if data_set is None:
            raise ValidationError(
                {"data_set": [_("Your organisation does not deliver this data set.")]}
            )
        period = periods.parse(data["period"], data_set.period_type)
        if period is None:
            raise ValidationError(
                {"period": [_("Not a period of this data set. Use e.g. 2025-K1 or 2025.")]}
            )
        report = services.deliver_values(
            request.actor,  # type: ignore[attr-defined]
            data_set,
            period,
            version_number=data["version"],
            values=[(v["code"], v["value"]) for v in data["values"]],
            organization_id=data.get("organization"),
        )
        if not report.ok or report.delivery is None:
            errors: dict[str, list[str]] = {}
            for error in report.errors:
                if error.row:
                    key = f"values[{error.row}]"
                    message = (
                        f"{error.element}: {error.message}" if error.element else error.message
                    )
                else:
                    key = error.element or "non_field_errors"
                    message = error.message
                errors.setdefault(key, []).append(message)
            raise ValidationError(errors)
        delivery = _own_deliveries(request).get(pk=report.delivery.pk)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


class DeliveryDetail(PalliareAPIView):
    """One of your organisation's deliveries, with its review."""

    required_permissions = (Permission.DELIVER_FIGURES,)
    serializer_class = DeliverySerializer

    @extend_schema(
        responses={200: DeliverySerializer, 403: ErrorSerializer, 404: ErrorSerializer}, tags=TAGS
    )
    def get(self, request: Request, pk: int) -> Response:
        delivery = _own_deliveries(request).filter(pk=pk).first()
        if delivery is None:
            raise NotFound
        return Response(self.get_serializer(delivery).data)
