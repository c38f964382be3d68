from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "jaring.identity"
    label = "identity"
    verbose_name = "Identity and access"
