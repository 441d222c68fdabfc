"""WSGI entry point: the page cache answers anonymous hits before Django is entered, and
the Most read beacon (POST /b, dateline/mostread/beacon.py) is answered before either; the
request log (dateline/ops/access_log.py) wraps them all, when it is on."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from dateline.pagecache.wsgi import PageCacheApp  # noqa: E402

try:
    from dateline.mostread.beacon import Beacon

    application = Beacon(PageCacheApp(get_wsgi_application()))
    from django.conf import settings

    if settings.DATELINE_ACCESS_LOG:
        from dateline.ops.access_log import AccessLog

        application = AccessLog(application)
except ImproperlyConfigured as exc:
    # An unknown CACHE_URL, an unreachable Redis: one line for the operator and a non-zero
    # exit, which the server reports once per worker it tries, instead of a traceback.
    sys.exit(f"dateline: {exc}")
