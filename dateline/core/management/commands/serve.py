"""`dateline serve [--host H] [--port P] [--workers N]` — the production server, in the
foreground.

It serves config.rsgi:application: the front (dateline/core/front.py), which reads each
request whole within the request limits before handing it to config.wsgi's application (the
page cache in front of Django) in one of a few WSGI threads; static files through whitenoise
(collected first when STATIC_ROOT is missing or stale) and uploaded media through the Django
view in config/urls.py. Nothing else is needed in front of it on one machine.

The server is granian (HTTP in Rust), chosen by measurement (bench/README.md, "Choosing the
server", and "Slow clients"). It calls the front on its event loop (RSGI interface) once a
request's headers have arrived; `--http1-header-read-timeout` bounds the wait for them and
closes keep-alive connections left idle as long. Under the WSGI interface a request body
was read by the WSGI thread itself, so sixteen clients trickling bodies held every thread
and the site went dark (issue 10); with the front, a slow client costs a socket and a
coroutine, and is cut off by the body's deadline.

Per worker: one Rust runtime thread and the event loop (runtime mode st; uvloop, which cost
10-17 % less CPU per page than asyncio's loop), `--threads` WSGI
threads (4: uncached pages render as fast as with one, cached ones are answered on the loop
without a thread hand-off), and up to `backpressure` connections at once (half the open
files this process may have, which is raised to its hard limit first).
`--server gunicorn` (sync workers, or gthread with `--threads` > 1) remains for
comparisons only: it has no front, and slow clients take it down.

The process is replaced by the server (exec), so signals and exit codes are the server's own;
the settings module in the environment (DJANGO_SETTINGS_MODULE or --settings) is passed on,
and GRANIAN_* variables still tune granian (e.g. GRANIAN_RUNTIME_MODE=mt, GRANIAN_LOOP=asyncio).
"""

from __future__ import annotations

import importlib.util
import os
import resource
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

APPLICATION = {"granian": "config.rsgi:application", "gunicorn": "config.wsgi:application"}
DEFAULT_SERVER = "granian"
# Per worker: the front's WSGI threads; gunicorn threads (1 = sync worker, more = gthread).
DEFAULT_THREADS = {"granian": 4, "gunicorn": 1}
# Connections per granian worker, at most; fewer when the worker may not open that many files.
MAX_CONNECTIONS = 8192


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


def load_application(server: str = DEFAULT_SERVER) -> None:
    """Import the application the workers will run, once, here: a configuration it cannot
    start with (an unreachable Redis, …) then stops this command with its one-line message
    (config/wsgi.py) before any server starts, rather than each worker in turn."""
    importlib.import_module(APPLICATION[server].partition(":")[0])


def open_files_limit() -> int:
    """Raise this process's limit of open files to its hard limit (the workers inherit it)
    and return it: every connection is a descriptor, and a limit of 1,024 would let a few
    hundred idle connections per worker starve the rest."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = 65536 if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def check_limits() -> None:
    """The request limits from the environment (config/env.py), each within what it can be:
    a clear line at start rather than a worker that fails on its first request."""
    problems = []
    if not 1 <= settings.DATELINE_HEADER_TIMEOUT <= 60:
        problems.append("DATELINE_HEADER_TIMEOUT must be 1 to 60 seconds")
    for name, value in [
        ("DATELINE_BODY_MAX_KB", settings.DATELINE_BODY_MAX_BYTES),
        ("DATELINE_UPLOAD_MAX_MB", settings.DATELINE_UPLOAD_MAX_BYTES),
        ("DATELINE_BODY_TIMEOUT", settings.DATELINE_BODY_TIMEOUT),
        ("DATELINE_BODY_MIN_RATE_KB", settings.DATELINE_BODY_MIN_RATE),
    ]:
        if value < 1:
            problems.append(f"{name} must be at least 1")
    if problems:
        raise CommandError("; ".join(problems) + ".")


def backpressure(open_files: int) -> int:
    """Connections a granian worker takes at once: half its descriptors (the rest are for
    spooled request bodies, media files, the database), at most MAX_CONNECTIONS. granian
    counts a connection from accept to close, idle or not, against this number."""
    return max(64, min(MAX_CONNECTIONS, open_files // 2))


def server_argv(
    server: str,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    header_timeout: int = 15,
    open_files: int = 2048,
) -> list[str]:
    """The command line that runs `server`, with the interpreter of this environment (so
    the server runs from the same virtualenv as `dateline`, wherever it is installed)."""
    if server == "granian":
        argv = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "rsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--backpressure",
            str(backpressure(open_files)),
            "--http1-header-read-timeout",
            str(header_timeout * 1000),
            "--no-ws",
            "--respawn-failed-workers",
            "--log-level",
            "warning",
        ]
        # A command-line option beats the variable, so only where none is set.
        if "GRANIAN_RUNTIME_MODE" not in os.environ:
            argv += ["--runtime-mode", "st"]
        if "GRANIAN_LOOP" not in os.environ:
            argv += ["--loop", "uvloop"]
        return [*argv, APPLICATION[server]]
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
            APPLICATION[server],
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
            help=f"HTTP server ({DEFAULT_SERVER}; gunicorn, which has no front and does not "
            "hold against slow clients, only for comparisons).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Threads per worker: WSGI threads behind the front (4), or gunicorn threads "
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
        if importlib.util.find_spec(server) is None:
            raise CommandError(f"{server} is not installed in {sys.prefix}.")
        threads = options["threads"] or DEFAULT_THREADS[server]
        if threads < 1:
            raise CommandError("--threads must be at least 1.")
        check_limits()

        if not options["dry_run"]:
            if static_is_stale():
                self.stdout.write("Collecting static files…")
                try:
                    call_command("collectstatic", interactive=False, verbosity=0)
                except Exception as exc:  # unwritable var/, a broken manifest reference, …
                    raise CommandError(f"collectstatic failed: {exc}") from exc
            load_application(server)

        argv = server_argv(
            server,
            host=host,
            port=port,
            workers=workers,
            threads=threads,
            header_timeout=settings.DATELINE_HEADER_TIMEOUT,
            open_files=open_files_limit(),
        )
        env = os.environ.copy()
        # The front's WSGI threads per worker (read by config/env.py in each worker).
        env["DATELINE_THREADS"] = str(threads)
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
        if server != "granian":
            self.stderr.write(
                f"Warning: {server} runs without the front: slow clients can hold every "
                "thread and request bodies are not capped. For comparisons only."
            )
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
