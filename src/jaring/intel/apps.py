from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "jaring.intel"
    label = "intel"
    verbose_name = "Cross-border fraud intelligence"
