"""`dateline serve [--host H] [--port P] [--workers N]` — the production server, in the
foreground.

It serves config.wsgi:application (the page cache in front of Django), static files through
whitenoise (collected first when STATIC_ROOT is missing or stale) and uploaded media through
the Django view in config/urls.py, so nothing else is needed in front of it on one machine.

The server is granian (WSGI interface, a single-threaded Rust runtime and 4 blocking threads
per worker), chosen by measurement (bench/README.md, "Choosing the server"). On 2 cores it
answered page-cache hits at 33,000-43,000 req/s against gunicorn's 6,000-8,000, because
keep-alive connections and HTTP parsing stay in Rust and a hit costs one WSGI call into the
cache wrapper (~40 µs of CPU against ~200 µs); uncached pages render as fast as under
gunicorn's sync workers (~700 req/s). Blocking threads: one per worker was fastest, but a
slow client downloading a picture holds its thread for the whole download and two of them
froze the site; granian's WSGI default (256 per worker) loses a tenth to a quarter of the
uncached throughput to GIL contention and triples p99. Four keeps both paths within noise of
the best and rides out slow readers. `--server gunicorn` (sync workers, or gthread with
`--threads` > 1) stays available.

The process is replaced by the server (exec), so signals and exit codes are the server's own;
the settings module in the environment (DJANGO_SETTINGS_MODULE or --settings) is passed on,
and GRANIAN_* variables still tune granian (e.g. GRANIAN_RUNTIME_MODE=mt).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

APPLICATION = "config.wsgi:application"
DEFAULT_SERVER = "granian"
# Per worker: granian blocking threads; gunicorn threads (1 = sync worker, more = gthread).
DEFAULT_THREADS = {"granian": 4, "gunicorn": 1}


def static_is_stale() -> bool:
    """True when STATIC_ROOT is missing, or lacks a file the finders offer, or holds an older
    copy of one. collectstatic keeps the unhashed name beside the hashed one, so this works
    for plain and manifest storages alike."""
    from django.contrib.staticfiles.finders import get_finders

    root = Path(settings.STATIC_ROOT)
    if not root.is_dir():
        return True
    for finder in get_finders():
        for path, storage in finder.list([]):
            prefix = getattr(storage, "prefix", None)
            target = root / prefix / path if prefix else root / path
            try:
                if storage.get_modified_time(path).timestamp() > target.stat().st_mtime:
                    return True
            except FileNotFoundError:
                return True
            except NotImplementedError:  # a storage without mtimes: trust what is there
                continue
    return False


def load_application() -> None:
    """Import the application the workers will run, once, here: a configuration it cannot
    start with (an unreachable Redis, …) then stops this command with its one-line message
    (config/wsgi.py) before any server starts, rather than each worker in turn."""
    importlib.import_module(APPLICATION.partition(":")[0])


def server_argv(server: str, *, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line that runs `server`, with the interpreter of this environment (so
    the server runs from the same virtualenv as `dateline`, wherever it is installed)."""
    if server == "granian":
        argv = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--no-ws",
            "--respawn-failed-workers",
            "--log-level",
            "warning",
        ]
        if "GRANIAN_RUNTIME_MODE" not in os.environ:  # a command-line option beats the variable
            argv += ["--runtime-mode", "st"]
        return [*argv, APPLICATION]
    if server == "gunicorn":
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            APPLICATION,
        ]
    raise CommandError(f"unknown server {server!r}")


class Command(BaseCommand):
    help = "Run the production web server (granian; static files and media included)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to bind (8000).")
        parser.add_argument("--workers", type=int, default=2, help="Worker processes (2).")
        parser.add_argument(
            "--server",
            choices=["granian", "gunicorn"],
            default=None,
            help=f"HTTP server ({DEFAULT_SERVER}; gunicorn if {DEFAULT_SERVER} is missing).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Threads per worker: granian blocking threads (4), or gunicorn threads "
            "(1: sync workers; more: gthread).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the server command line instead of running it.",
        )

    def handle(self, *args, **options):
        host, port, workers = options["host"], options["port"], options["workers"]
        if workers < 1 or not (0 < port < 65536):
            raise CommandError("--workers must be at least 1 and --port between 1 and 65535.")
        server = options["server"] or DEFAULT_SERVER
        if options["server"] is None and importlib.util.find_spec(server) is None:
            server = "gunicorn"
        if importlib.util.find_spec(server) is None:
            raise CommandError(f"{server} is not installed in {sys.prefix}.")
        threads = options["threads"] or DEFAULT_THREADS[server]
        if threads < 1:
            raise CommandError("--threads must be at least 1.")

        if not options["dry_run"]:
            if static_is_stale():
                self.stdout.write("Collecting static files…")
                try:
                    call_command("collectstatic", interactive=False, verbosity=0)
                except Exception as exc:  # unwritable var/, a broken manifest reference, …
                    raise CommandError(f"collectstatic failed: {exc}") from exc
            load_application()

        argv = server_argv(server, host=host, port=port, workers=workers, threads=threads)
        env = os.environ.copy()
        # The settings chosen for this command (environment, --settings or the CLI default)
        # are the ones the workers load.
        env["DJANGO_SETTINGS_MODULE"] = os.environ.get(
            "DJANGO_SETTINGS_MODULE", "config.settings.production"
        )
        # `config` must be importable by the workers even when the current directory is
        # elsewhere and the project is not installed as a package.
        project = str(Path(settings.BASE_DIR))
        paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        if project not in paths:
            env["PYTHONPATH"] = os.pathsep.join([project, *paths])

        shown = f"[{host}]" if ":" in host else host
        if options["dry_run"]:
            self.stdout.write(" ".join(argv))
            return
        if settings.DEBUG:
            self.stderr.write("Warning: DEBUG is on; set DATELINE_DEBUG=0 for production.")
        self.stdout.write(
            f"Dateline is serving http://{shown}:{port}/ "
            f"({server}, {workers} worker{'s' if workers != 1 else ''} × {threads} "
            f"thread{'s' if threads != 1 else ''}, settings {env['DJANGO_SETTINGS_MODULE']})"
        )
        self.stdout.flush()
        sys.stderr.flush()
        from django.db import connections

        connections.close_all()
        os.execve(sys.executable, argv, env)
