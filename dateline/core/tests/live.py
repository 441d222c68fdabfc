"""Real processes for the tests of several servers and of the cache in front: a browser-like
client with its own cookies, Varnish with the shipped VCL, Redis, a PostgreSQL database of
the test's own, and Python run against a site's settings (`dateline shell`)."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import lxml.html
import pytest

from dateline.core.tests.serving import DATELINE, ROOT, free_port

VCL = ROOT / "deploy" / "varnish" / "dateline.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
POSTGRES = os.environ.get("DATELINE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")


def wait_for_port(port: int, proc: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read() if proc.stdout and proc.poll() is not None else ""
                proc.kill()
                pytest.fail(f"{what} did not start on port {port}:\n{out}")
            time.sleep(0.05)  # waiting for the port to open, not timing anything


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=20)


def site_python(env: dict[str, str], code: str) -> str:
    """Run `code` in `dateline shell` with the site's settings; its output."""
    done = subprocess.run(
        [DATELINE, "shell", "--no-imports", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def add_editor(env: dict[str, str], username: str, password: str) -> None:
    subprocess.run(
        [DATELINE, "staff", "add", username, "--role", "editor"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    site_python(
        env,
        "from django.contrib.auth import get_user_model; "
        f"u = get_user_model().objects.get(username={username!r}); "
        f"u.set_password({password!r}); u.save()",
    )


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def varnish_hit(self) -> bool:
        """Varnish names two requests in X-Varnish on a hit: this one and the one that
        fetched the object."""
        return len(self.headers.get("X-Varnish", "").split()) == 2


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A reader or a member of staff: keeps its cookies (a session works on any server),
    follows no redirect, sends no Accept-Encoding."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.headers, exc.read())

    def get(self, url: str) -> Response:
        return self.request(url)

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def post(self, url: str, data: dict) -> Response:
        origin = "/".join(url.split("/")[:3])
        return self.request(
            url,
            {**data, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": origin + "/", "Origin": origin},
        )

    def login(self, base: str, username: str, password: str) -> None:
        self.get(f"{base}/admin/login/")
        answer = self.post(
            f"{base}/admin/login/?next=/admin/",
            {"username": username, "password": password, "next": "/admin/"},
        )
        assert answer.status == 302, answer.text[:2000]

    def form(self, url: str) -> dict[str, list[str]]:
        """The values of the admin change form at `url`, as a browser would post them."""
        page = self.get(url)
        assert page.status == 200, f"{url}: {page.status}"
        tree = lxml.html.fromstring(page.text)
        form = next(f for f in tree.forms if (f.get("id") or "").endswith("_form"))
        values: dict[str, list[str]] = {}
        for name, value in form.form_values():
            values.setdefault(name, []).append(value)
        return values

    def newsroom_action(self, base: str, action: str, article: int, **extra: str) -> None:
        version = site_version(self, base, article)
        answer = self.post(
            f"{base}/newsroom/action/",
            {"action": action, "article": article, "version": version, **extra},
        )
        assert answer.status == 302, answer.text[:2000]
        queue = self.get(f"{base}/newsroom/")
        assert "error" not in _messages(queue.text), _messages(queue.text)

    def correct(self, base: str, article: int, changes: dict[str, str], kind: str) -> None:
        """A typed correction of a live story through admin's story form."""
        url = f"{base}/admin/news/article/{article}/change/"
        values = self.form(url)
        for name, value in changes.items():
            values[name] = [value]
        values.update(change_kind=[kind], change_note=["Corrected by the test."])
        values.pop("csrfmiddlewaretoken", None)
        answer = self.post(url, values)
        assert answer.status == 302, _messages(answer.text) or answer.text[:3000]


def _messages(html: str) -> str:
    tree = lxml.html.fromstring(html)
    found = tree.cssselect(".messagelist .error, .messages .error, .errorlist, .errornote")
    return " | ".join(e.text_content().strip() for e in found)


def site_version(browser: Browser, base: str, article: int) -> str:
    """The version the queue shows for `article` (its buttons carry it)."""
    page = browser.get(f"{base}/newsroom/")
    tree = lxml.html.fromstring(page.text)
    for form in tree.forms:
        fields = dict(form.form_values())
        if fields.get("article") == str(article) and "version" in fields:
            return fields["version"]
    return ""


def until(condition, *, seconds: float, what: str):
    """Poll `condition` until it returns something true; fail after `seconds`. Returns the
    value and how long it took."""
    started = time.monotonic()
    while True:
        value = condition()
        if value:
            return value, time.monotonic() - started
        if time.monotonic() - started > seconds:
            pytest.fail(f"{what}: not within {seconds} s")
        time.sleep(0.02)  # polling a condition against a deadline, not timing anything


@contextmanager
def varnish(backend_ports: list[int], workdir: Path, *, port: int | None = None):
    """varnishd with deploy/varnish/dateline.vcl, its backends moved to `backend_ports`;
    yields (base URL, the process)."""
    if not Path(VARNISHD).exists():
        pytest.fail(f"{VARNISHD} is absent: apt-get install varnish varnish-modules")
    port = port or free_port()
    vcl = VCL.read_text()
    backends = re.search(r"backend app1 \{.*?\n\}\n", vcl, re.S).group(0)
    made = "".join(
        backends.replace("app1", f"app{n}").replace('"8000"', f'"{p}"')
        for n, p in enumerate(backend_ports, 1)
    )
    vcl = vcl.replace(backends, made).replace(
        "app.add_backend(app1);",
        " ".join(f"app.add_backend(app{n});" for n in range(1, len(backend_ports) + 1)),
    )
    (workdir / "dateline.vcl").write_text(vcl)
    proc = subprocess.Popen(
        [
            VARNISHD,
            "-F",
            "-j",
            "none",
            "-n",
            str(workdir / "varnish"),
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(workdir / "dateline.vcl"),
            "-s",
            "malloc,64m",
            "-p",
            "http_resp_hdr_len=32k",
            "-p",
            "http_resp_size=64k",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    wait_for_port(port, proc, "varnishd")
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc)


@contextmanager
def redis(workdir: Path):
    """A private redis-server on a free port, keeping nothing on disk; yields its URL."""
    if not Path(REDIS_SERVER).exists():
        pytest.fail(f"{REDIS_SERVER} is absent: apt-get install redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    wait_for_port(port, proc, "redis-server")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


@contextmanager
def postgres_database():
    """A PostgreSQL database of the test's own, whatever the suite's database is; dropped
    afterwards. Yields its URL."""
    import psycopg

    name = f"dateline_live_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES} cannot be reached: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def serve(env: dict[str, str], log: Path, *args: str, port: int | None = None):
    """`dateline serve` on a free port, its output in `log`; yields (base URL, process)."""
    port = port or free_port()
    with open(log, "a") as out:
        proc = subprocess.Popen(
            [DATELINE, "serve", "--port", str(port), *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for_port(port, proc, f"dateline serve (log: {log})")
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc)
