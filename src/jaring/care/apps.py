from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "jaring.care"
    label = "care"
    verbose_name = "Victim and survivor assistance"
