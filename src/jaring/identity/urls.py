from django.urls import path

from jaring.identity import views

app_name = "identity"

urlpatterns = [
    path("login", views.sign_in, name="login"),
    path("verify", views.verify, name="verify"),
    path("logout", views.sign_out, name="logout"),
    path("second-factor", views.second_factor, name="second_factor"),
    path("tokens", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke", views.revoke, name="revoke_token"),
]
