"""Pages of a chosen size, for the page store's byte budget."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from dateline.pagecache.wsgi import mark_cacheable


def sized(request: HttpRequest, size: int, name: str) -> HttpResponse:
    response = HttpResponse(b"x" * size, content_type="text/plain")
    return mark_cacheable(response, deps=("settings",))


urlpatterns = [path("sized/<int:size>/<slug:name>/", sized)]
