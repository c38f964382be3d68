from django.contrib import admin
from django.urls import include, path

from jaring.api import api

admin.site.site_header = "Jaring administration"
admin.site.site_title = "Jaring"

urlpatterns = [
    path("", include("jaring.core.urls")),
    path("account/", include("jaring.identity.urls")),
    path("intel/", include("jaring.intel.urls")),
    path("care/", include("jaring.care.urls")),
    path("overview/", include("jaring.overview.urls")),
    path("merl/", include("jaring.merl.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "jaring.core.views.bad_request"
