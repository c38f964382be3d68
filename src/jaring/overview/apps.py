from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "jaring.overview"
    label = "overview"
    verbose_name = "Regional overview and reports"

    def ready(self) -> None:
        # Each part registers its figures when it is installed; intel's live here
        # because intel was built before the overview and knows nothing of it.
        from django.apps import apps

        if apps.is_installed("jaring.intel"):
            from jaring.overview import intel_figures

            intel_figures.register_all()
