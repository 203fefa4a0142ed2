"""The shared layer of the JSON API, version 1 (the API shell, as ``ui`` is the page shell):
the base endpoint with Palliare's permissions (``access``), JSON errors (``errors``),
pagination, the OpenAPI schema with its documentation page, and the ``/api/v1/`` URL root.

It holds no endpoints of its own domain: each app keeps its endpoints in ``<app>/api/``
(the directory in ``organizations.api``, beds and district nursing in ``capacity.api``,
deliveries in ``deliveries.api``), and ``urls`` includes them. Like the other foundation apps
it depends on no domain app (import-linter contract)."""
