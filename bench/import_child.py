"""`dateline import FORMAT PATH --no-progress` in this process, every SQL statement counted:
the benchmark's child (bench/wxr_import.py). Result lines on stdout as the command prints
them; `statements N` on stderr at the end."""

from __future__ import annotations

import contextlib
import os
import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

count = 0


def counted(execute, sql, params, many, context):
    global count
    count += 1
    return execute(sql, params, many, context)


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    args = [kind, path] + (["--no-progress"] if kind == "wxr" else [])
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    # BENCH_STATEMENT_PROFILE=FILE: the backend's CPU by kind of statement, as the archive
    # grows (bench/statement_profile.py).
    profiled = os.environ.get("BENCH_STATEMENT_PROFILE")
    profile = None
    with contextlib.ExitStack() as stack:
        if profiled and backend is not None:
            from statement_profile import Profile

            profile = Profile(backend, profiled)
            stack.enter_context(connection.execute_wrapper(profile))
        stack.enter_context(connection.execute_wrapper(counted))
        try:
            call_command("import", *args)
        except SystemExit as exit_:
            sys.stderr.write(f"exit {exit_.code}\n")
    if profile is not None:
        profile.write()
    sys.stderr.write(f"statements {count}\n")
    # This process's own CPU (the writer) and its children's (the reader of core.ahead,
    # forked and waited for by the import): the two sides that run side by side.
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stderr.write(f"writer_cpu {own.ru_utime + own.ru_stime:.2f}\n")
    sys.stderr.write(f"reader_cpu {kids.ru_utime + kids.ru_stime:.2f}\n")
    if backend is not None:
        # The PostgreSQL backend's own CPU (this run's one connection, on this machine):
        # the server's share of the work, which the importer's CPU time does not include.
        try:
            fields = open(f"/proc/{backend}/stat").read().rsplit(")", 1)[1].split()
            ticks = os.sysconf("SC_CLK_TCK")
            sys.stderr.write(f"backend_cpu {(int(fields[11]) + int(fields[12])) / ticks:.2f}\n")
        except OSError:
            pass
