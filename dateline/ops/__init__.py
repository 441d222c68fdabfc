"""Running a site: the health endpoint, the request log, deploy checks, backup and restore.

May import django, config and every app's models and services (it looks at the whole
site); nothing imports ops but config (urls, wsgi, settings)."""
