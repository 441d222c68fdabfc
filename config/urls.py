from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve as static_serve

from dateline.api.api import api
from dateline.api.urls import urlpatterns as api_desk
from dateline.ingest.urls import urlpatterns as wire_desk
from dateline.mostread.beacon import beacon_view
from dateline.mostread.urls import urlpatterns as mostread_desk
from dateline.newsletters.desk import urlpatterns as newsletters_desk
from dateline.newsroom.urls import urlpatterns as newsroom
from dateline.ops.health import healthz
from dateline.pictures.views import serve_media, serve_rendition

urlpatterns = [
    # First: the readers' pages. Django tries routes in order, and an article reached
    # news' through some thirty routes of the desk, media and feeds (bench/README.md,
    # "Cheaper misses"). No route below answers an address one of these does: theirs end
    # in "/" with one segment per converter, and no other route's does the same.
    path("", include("dateline.news.urls")),
    path("healthz", healthz, name="healthz"),
    # Answered by config/wsgi.py before Django; here for servers that run Django's handler.
    path("b", beacon_view, name="beacon"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The wire desk is ingest's screen inside the newsroom: composed here, where the apps
    # meet, so that the newsroom never imports ingest (docs/architecture.md).
    path(
        "newsroom/",
        include((newsroom + wire_desk + api_desk + mostread_desk + newsletters_desk, "newsroom")),
    ),
    # One address per rendition: no leading zeros, which would name the same file under
    # as many cache keys (ours, a CDN's) as anyone cares to make.
    re_path(
        r"^media/r/(?P<pk>[1-9]\d*)/(?P<token>[0-9a-f]{12})/(?P<width>[1-9]\d*)w"
        r"(?:-(?P<ratio>16x9|4x3|3x2|1x1))?\.(?P<fmt>jpg|webp)$",
        serve_rendition,
        name="rendition",
    ),
    re_path(r"^media/(?P<path>.+)$", serve_media, name="media"),
    path("", include("dateline.syndication.urls")),
    path("", include("dateline.search.urls")),
    path("", include("dateline.live.urls")),
    path("", include("dateline.newsletters.urls")),
    # Last: a static page's address is one segment, /about/, under no other route.
    path("", include("dateline.pages.urls")),
]

handler404 = "dateline.news.views.page_not_found"
handler500 = "dateline.news.views.server_error"

if settings.DEBUG:  # pragma: no cover - development convenience only
    urlpatterns.insert(
        0,
        re_path(
            r"^__static__/(?P<path>.+)$", static_serve, {"document_root": settings.STATIC_ROOT}
        ),
    )
