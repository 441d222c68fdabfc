#!/usr/bin/env python
"""Make the plain demo site every public page kind is checked on, and list its pages.

    DATELINE_VAR_DIR=/tmp/x .venv/bin/python bench/page_kinds.py

Migrates the database the environment names (it must be new), loads the demo without
tagline, section descriptions or author bios, and writes `page-kinds.tsv` into
DATELINE_VAR_DIR: one page kind a line, its name and its path, tab-separated. The kinds and
their pages are dateline/news/tests/page_kinds.py's PAGE_KINDS, as in the suite's vnu and
axe-core checks (dateline/news/tests/test_page_quality.py). bench/lighthouse.sh runs it.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from dateline.news.models import Article  # noqa: E402
from dateline.news.tests.page_kinds import page_paths, plain_demo_site  # noqa: E402


def main() -> None:
    call_command("migrate", "--noinput", stdout=io.StringIO())
    if Article.objects.exists():
        sys.exit("bench/page_kinds.py needs a new database: this one has stories")
    plain_demo_site()
    out = Path(settings.VAR_DIR) / "page-kinds.tsv"
    out.write_text("".join(f"{name}\t{path}\n" for name, path in page_paths().items()))
    print(out)


if __name__ == "__main__":
    main()
