"""Login accounts and roles. Who a person is and where they work lives in ``organizations``."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .permissions import Permission, RoleCode


class User(AbstractUser):
    """A person who logs in. Their directory entry is ``organizations.Professional``."""

    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_unique_ci",
                condition=~models.Q(email=""),
                violation_error_message=_("Another account already uses this e-mail address."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.Model):
    """A role professionals act in (GP, district nurse, …). Roles are data; their permissions are
    rows of :class:`RolePermission` naming members of the :class:`Permission` enum."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @staticmethod
    def label_for(code: str) -> str:
        """A role code (as stored in the access log or an emergency access) in words."""
        if not code:
            return ""
        if code in RoleCode.values:
            return str(RoleCode(code).label)
        role = Role.objects.filter(code=code).first()
        return role.label if role else code

    @property
    def label(self) -> str:
        """The translated name for built-in roles, the stored name for a network's own roles."""
        if self.code in RoleCode.values:
            return str(RoleCode(self.code).label)
        return self.name


class RolePermission(models.Model):
    """One permission held by a role."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    permission = models.CharField(_("permission"), max_length=64, choices=Permission.choices)

    class Meta:
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")
        constraints = [
            models.UniqueConstraint(fields=["role", "permission"], name="unique_role_permission")
        ]

    def __str__(self) -> str:
        return f"{self.role.code}: {self.permission}"


class AppliedRoleDefault(models.Model):
    """Remembers which default (role, permission) pairs were ever granted, so that a later
    upgrade adds new defaults without re-adding ones the coordinator deliberately removed."""

    role_code = models.SlugField(max_length=64)
    permission = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["role_code", "permission"], name="unique_applied_role_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role_code}: {self.permission}"
