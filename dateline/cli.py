"""The `dateline` command: every Django management command, plus serve, demo, import and
curate (see README)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["dateline", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        # A setting the environment got wrong (an unknown CACHE_URL, …): its message.
        sys.exit(f"dateline: {exc}")


if __name__ == "__main__":
    main()
