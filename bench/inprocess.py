"""`dateline serve`'s front in-process, for the CPU benchmarks (front_cpu.py, miss_cost.py):
the RSGI application of a source tree, and plain stand-ins for what granian hands it."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def front(root: str):
    """The front of the tree at `root` (production settings, this virtualenv), and the
    slugs bench/load_stories.py wrote for its site."""
    sys.path.insert(0, root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    os.environ.setdefault("DATELINE_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("DATELINE_DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings

    import config.rsgi

    slugs = (Path(settings.VAR_DIR) / "bench-slugs.txt").read_text().split()
    return config.rsgi.application, slugs


class Headers(dict):
    def get_all(self, name):
        value = self.get(name)
        return [] if value is None else [value]


class Scope:
    """A GET as granian's scope gives it."""

    proto, method, scheme, http_version = "http", "GET", "http", "1.1"
    server, client, authority = "127.0.0.1:8000", "127.0.0.1:50000", None

    def __init__(self, path, query=""):
        self.path, self.query_string = path, query
        self.headers = Headers({"host": "127.0.0.1:8000", "user-agent": "bench"})


class Protocol:
    """Keeps the status of the last response sent through it."""

    def response_bytes(self, status, headers, body):
        self.status = status
