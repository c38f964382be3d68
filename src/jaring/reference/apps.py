from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "jaring.reference"
    label = "reference"
    verbose_name = "Reference data"
