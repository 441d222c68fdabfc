"""WSGI entry point: the page cache answers anonymous hits before Django is entered."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.core.wsgi import get_wsgi_application  # noqa: E402

from dateline.pagecache.wsgi import PageCacheApp  # noqa: E402

application = PageCacheApp(get_wsgi_application())
