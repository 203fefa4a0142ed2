"""Template helpers used across pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` applied (for pagination and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def can(actor: Any, permission: str) -> bool:
    """``{% if actor|can:"patients.mark" %}``: whether the actor holds a permission."""
    from palliare.accounts.permissions import Permission

    if actor is None or permission not in Permission.values:
        return False
    return bool(actor.has(Permission(permission)))


@register.filter
def role_label(code: Any) -> str:
    """``{{ event.role|role_label }}``: a role code (as stored in the access log) in words."""
    from palliare.accounts.models import Role

    return Role.label_for(str(code or ""))


@register.filter
def age_in(value: Any, now: Any) -> str:
    """A short Dutch/English age like '3 h' or '2 d' between a datetime and now."""
    from django.utils.translation import gettext as _

    seconds = int((now - value).total_seconds())
    if seconds < 3600:
        return _("%(n)d min") % {"n": max(seconds // 60, 1)}
    if seconds < 86400:
        return _("%(n)d h") % {"n": seconds // 3600}
    return _("%(n)d d") % {"n": seconds // 86400}


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ counts|get_item:tab }}``"""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
