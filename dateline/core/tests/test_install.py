"""Install as users do: `pip install .` without the test extras must give a working
`dateline`. The runtime list in pyproject.toml is checked against what the code uses, so a
module that only a test dependency happens to bring (as extruct brought lxml_html_clean,
which web page import needs) fails `make test`, not a user's first import. The wheel is
checked against the files the site reads (templates and static files once lay beside the
package, and every page of an installed site was a 500), and run from a site folder of its
own. CI (.ci/run) also installs the package without extras into a fresh virtualenv, runs
every command there and serves pages from it."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[3]
OURS = {"dateline", "config", "__future__"}
STDLIB = set(sys.stdlib_module_names)

# Used at run time, but neither imported by a statement of ours nor when our modules load.
NOT_IMPORTED = {
    "psycopg": "Django's PostgreSQL backend, when DATABASE_URL is postgres://",
    "redis": "Django's Redis cache, when CACHE_URL is redis://",
    "granian": "`dateline serve` runs `python -m granian`",
    "uvloop": "`dateline serve` runs granian with `--loop uvloop`",
    "gunicorn": "`dateline serve --server gunicorn` runs `python -m gunicorn`",
    "storages": "media in a bucket, when DATELINE_MEDIA_URL is s3:// (config/settings/base.py)",
    "boto3": "django-storages' S3 storage, when DATELINE_MEDIA_URL is s3://",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["dependencies"]


def _runtime() -> dict[str, str]:
    """{distribution: pinned version} from [project] dependencies."""
    pins = {}
    for requirement in _requirements():
        match = re.fullmatch(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^;\s]+)", requirement)
        assert match, f"{requirement!r}: a runtime dependency is pinned to one version"
        pins[_normal(match.group(1))] = match.group(2)
    return pins


def _distributions(modules) -> set[str]:
    providers = importlib.metadata.packages_distributions()
    return {_normal(d) for top in modules for d in providers.get(top, [])}


def _shipped_modules() -> list[Path]:
    """Every module `pip install .` ships and runs: not the tests and their helpers."""
    return [
        path
        for folder in ("dateline", "config")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts
        and not path.name.startswith("test_")
        and path.name != "conftest.py"
    ]


def _imported_by_statements() -> dict[str, set[str]]:
    """{third-party top-level module: our files importing it}, imports in functions too."""
    found: dict[str, set[str]] = {}
    for path in _shipped_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in OURS | STDLIB:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _named_by_settings() -> set[str]:
    """Third-party modules the settings name by dotted path: apps, middleware, backends."""
    dotted = [*settings.INSTALLED_APPS, *settings.MIDDLEWARE]
    dotted += [s["BACKEND"] for s in settings.STORAGES.values()]
    dotted += [t["BACKEND"] for t in settings.TEMPLATES]
    dotted += [c["BACKEND"] for c in settings.CACHES.values()]
    return {d.partition(".")[0] for d in dotted} - OURS - STDLIB


@pytest.fixture(scope="module")
def loaded_by_our_modules(tmp_path_factory) -> set[str]:
    """Third-party top-level modules that loading every shipped module of ours loads, in a
    fresh interpreter (this one has the test dependencies loaded) with production settings."""
    tmp = tmp_path_factory.mktemp("install")
    names = []
    for path in _shipped_modules():
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    script = (
        "import importlib, json, sys\n"
        "before = set(sys.modules)\n"  # what the interpreter and its .pth files load
        "import django\n"
        "django.setup()\n"
        "for name in sys.argv[1:]: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.partition('.')[0] for m in set(sys.modules) - before})))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_VAR_DIR": str(tmp / "var"),
        "TMPDIR": str(tmp),  # config.settings.test makes its var/ there when imported
    }
    done = subprocess.run(
        [sys.executable, "-c", script, *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return set(json.loads(done.stdout.splitlines()[-1])) - OURS - STDLIB


def _installed_by_pip_install_dot() -> set[str]:
    """The distributions `pip install .` brings: ours with the extras we name, and what each
    requires in turn; not the extras one dependency asks of another, which pip may not
    resolve (pip 23, the one Python 3.11's venv brings, does not find justext's
    lxml[html_clean] in lxml 6, and web page import crashed). What such an extra holds must
    be a runtime dependency of our own."""
    found: set[str] = set()
    todo = [(Requirement(r), True) for r in _requirements()]
    while todo:
        requirement, ours = todo.pop()
        name = _normal(requirement.name)
        if name in found:
            continue
        found.add(name)
        extras = {""} | (requirement.extras if ours else set())
        for line in importlib.metadata.requires(name) or []:
            needed = Requirement(line)
            if not needed.marker or any(needed.marker.evaluate({"extra": e}) for e in extras):
                todo.append((needed, False))
    return found


def test_every_module_our_code_imports_is_a_runtime_dependency():
    runtime = _runtime()
    used = _imported_by_statements()
    for top in _named_by_settings():
        used.setdefault(top, set()).add("config/settings")
    for top, why in NOT_IMPORTED.items():
        used.setdefault(top, set()).add(why)
    missing = {
        top: (sorted(_distributions([top])) or "not installed", sorted(where)[:3])
        for top, where in sorted(used.items())
        if not _distributions([top]) & runtime.keys()
    }
    assert missing == {}, "add these to [project] dependencies, pinned"


def test_loading_our_code_needs_nothing_a_runtime_install_lacks(loaded_by_our_modules):
    installed = _installed_by_pip_install_dot()
    strays = {
        top: sorted(_distributions([top]))
        for top in sorted(loaded_by_our_modules)
        if _distributions([top]) and not _distributions([top]) & installed
    }
    assert strays == {}, "only a test dependency installs these: add them to [project]"


def test_every_runtime_dependency_is_used_and_pinned_to_the_version_installed(
    loaded_by_our_modules,
):
    runtime = _runtime()
    used = _distributions(
        set(_imported_by_statements())
        | _named_by_settings()
        | NOT_IMPORTED.keys()
        | loaded_by_our_modules
    )
    assert sorted(runtime.keys() - used) == [], "nothing needs these: drop them, or say why"
    installed = {name: importlib.metadata.version(name) for name in runtime}
    assert installed == runtime


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip install .` builds and installs, built once per test run from a copy of
    the package (a build writes build/ and *.egg-info into the folder it reads)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    for folder in ("dateline", "config"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = tmp.glob("dateline-*.whl")
    return path


def _ours(path: Path) -> str | None:
    """`path` relative to the checkout, as a wheel names it; None for installed packages'
    files (Django's admin, the prose editor), wherever the virtualenv is."""
    path = path.resolve()
    if path.is_relative_to(Path(sys.prefix).resolve()) or not path.is_relative_to(ROOT):
        return None
    return path.relative_to(ROOT).as_posix()


def test_the_wheel_holds_every_template_and_static_file_the_site_reads(wheel):
    from django.contrib.staticfiles.finders import get_finders
    from django.template import engines

    used = set()
    for engine in engines.all():
        for folder in engine.template_dirs:
            used |= {_ours(p) for p in Path(folder).rglob("*") if p.is_file()}
    for finder in get_finders():
        used |= {_ours(Path(storage.path(path))) for path, storage in finder.list([])}
    used.discard(None)
    assert {"dateline/news/jinja2/news/500.html", "dateline/news/static/news/site.css"} <= used
    assert sorted(used - set(zipfile.ZipFile(wheel).namelist())) == []


def test_the_wheel_holds_the_demo_site(wheel):
    """`dateline demo` reads its stories and pictures from the installed package."""
    from dateline.ingest.demo.loader import DATA

    files = {_ours(p) for p in DATA.rglob("*") if p.is_file()}
    assert "dateline/ingest/demo/harbour-courier/manifest.toml" in files and len(files) > 50
    assert sorted(files - set(zipfile.ZipFile(wheel).namelist())) == []


def _run_installed(lib: Path, site: Path, *argv: str, **env_vars: str):
    """Runs Python on the unpacked wheel (ahead of the editable checkout on the path) from
    the site folder, with the production settings and nothing else of ours set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DATELINE_") and k not in ("DATABASE_URL", "CACHE_URL")
    }
    env |= {
        "PYTHONPATH": str(lib),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_ALLOWED_HOSTS": "127.0.0.1",
        **env_vars,
    }
    done = subprocess.run(
        [sys.executable, *argv], cwd=site, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


# Stories from the unpacked wheel's own import command, static files collected (as `dateline
# serve` does), then pages through config.wsgi.application as the server calls it: page
# cache, whitenoise, Django.
RENDER = """
import sys, wsgiref.util
import django
from django.core.management import call_command
import dateline
assert dateline.__file__.startswith(sys.argv[1]), dateline.__file__
django.setup()
call_command("import", "ninjs", sys.argv[2])
call_command("collectstatic", interactive=False, verbosity=0)
from config.wsgi import application

for path in sys.argv[3:]:
    environ = {"PATH_INFO": path}
    wsgiref.util.setup_testing_defaults(environ)
    status = []
    body = b"".join(application(environ, lambda s, h, e=None: status.append(s)))
    print("page", status[0].split()[0], path, len(body))
"""


def test_an_installed_site_keeps_its_state_in_its_folder_and_renders_pages(wheel, tmp_path):
    lib, site = tmp_path / "site-packages", tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(lib)
    site.mkdir()
    first = _run_installed(lib, site, "-m", "dateline.cli", "migrate", "--noinput", "-v0")
    assert f"made {site / 'var'} for this site's database" in first.stderr
    assert (site / "var" / "dateline.sqlite3").is_file() and not (lib / "var").exists()
    fixtures = ROOT / "dateline" / "ingest" / "tests" / "fixtures" / "ninjs" / "related-any-order"
    pages = {
        "/": "200",
        "/story/island-ferry-timetable-cut-for-winter/": "200",
        "/feeds/rss.xml": "200",
        "/sitemap.xml": "200",
        "/admin/login/": "200",
        "/static/news/site.css": "200",
        "/favicon.ico": "301",
        "/no/such/page/": "404",
    }
    out = _run_installed(lib, site, "-c", RENDER, str(lib), str(fixtures), *pages).stdout
    rendered = [line.split() for line in out.splitlines() if line.startswith("page ")]
    assert {path: status for _, status, path, _ in rendered} == pages


def test_a_checkout_keeps_its_state_beside_the_code(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATELINE_VAR_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", "from config import env; print(env.VAR_DIR)"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == str(ROOT / "var")


def test_dateline_says_plainly_when_it_cannot_write_its_folder(tmp_path):
    (tmp_path / "a-file").write_text("")
    var = tmp_path / "a-file" / "var"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dateline")), "check"],
        env=env | {"DATELINE_VAR_DIR": str(var)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(
        f"dateline: cannot keep the site's database, media and secret "
        f"key in {var}: Not a directory. Set DATELINE_VAR_DIR to a "
    )
