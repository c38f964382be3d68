from django.apps import AppConfig


class MerlConfig(AppConfig):
    name = "jaring.merl"
    label = "merl"
    verbose_name = "Monitoring, evaluation, reporting and learning"

    def ready(self) -> None:
        from django.apps import apps

        if apps.is_installed("jaring.overview"):
            from jaring.merl import overview_figures

            overview_figures.register_all()
