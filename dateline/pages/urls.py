from django.urls import path

from dateline.pages import views

app_name = "pages"

# Mounted last (config/urls.py): one path segment, after every other public route, so a
# page can never shadow one; pages.models.RESERVED_SLUGS refuses those addresses.
urlpatterns = [
    path("<str:slug>/", views.page, name="page"),
]
