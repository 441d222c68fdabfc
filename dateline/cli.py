"""The `dateline` command: every Django management command, plus serve, demo, import and
curate (see README)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from config import env

    # Checked before Django loads the settings, so that a site owner whose folder cannot be
    # written reads one sentence saying so, not a traceback from inside the settings.
    try:
        made = env.var_dir_make()
    except env.VarDirError as exc:
        sys.stderr.write(f"dateline: {exc}\n")
        raise SystemExit(1) from None
    if made and not env.VAR_DIR_SET:
        # Said once, when the default folder is first made: running from the wrong folder
        # would otherwise quietly start an empty site.
        sys.stderr.write(
            f"dateline: made {env.VAR_DIR} for this site's database, media and secret key "
            "(DATELINE_VAR_DIR chooses another folder)\n"
        )

    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["dateline", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        # A setting the environment got wrong (an unknown CACHE_URL, …): its message.
        sys.exit(f"dateline: {exc}")


if __name__ == "__main__":
    main()
