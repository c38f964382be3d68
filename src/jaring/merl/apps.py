from django.apps import AppConfig


class MerlConfig(AppConfig):
    name = "jaring.merl"
    label = "merl"
    verbose_name = "Monitoring, evaluation, reporting and learning"
