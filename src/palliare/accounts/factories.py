"""Test data for accounts: users with a confirmed authenticator, and actors in a role."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, User

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


class PlainNameFaker(factory.Faker):
    """A Dutch name from Faker without the characters HTML escapes (``'s Gravensande``
    appears as ``&#x27;s Gravensande`` in a page), so that tests may look for a name in the
    HTML as it was generated. Tests of escaping use names written out."""

    def evaluate(self, instance, step, extra):  # type: ignore[no-untyped-def]
        for _attempt in range(100):
            value = super().evaluate(instance, step, dict(extra))
            if not any(char in value for char in "'\"&<>"):
                return value
        raise RuntimeError("Faker gave only names with characters HTML escapes")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = PlainNameFaker("first_name", locale="nl_NL")
    last_name = PlainNameFaker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    class Params:
        with_device = factory.Trait(
            device=factory.RelatedFactory(
                "palliare.accounts.factories.TOTPDeviceFactory", factory_related_name="user"
            )
        )

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "test"
    confirmed = True


def role(code: str) -> Role:
    """The built-in role with ``code`` (created by migrations' post_migrate)."""
    from .services import sync_default_roles

    found = Role.objects.filter(code=code).first()
    if found is None:
        sync_default_roles()
        found = Role.objects.get(code=code)
    return found
