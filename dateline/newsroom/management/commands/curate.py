"""`dateline curate LIST REF…` — set a curated list (e.g. dont-miss) in the given order.
A REF is a source id (a ninjs uri), a public path (/story/slug/) or a numeric id."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.urls import Resolver404, resolve

from dateline.news.models import Article, Collection
from dateline.newsroom.actions.base import ActionRefused
from dateline.newsroom.actions.workflow import front_curate
from dateline.newsroom.actors import command_line_actor


def article_from_ref(ref: str) -> Article | None:
    ref = ref.strip()
    found = Article.objects.filter(source_id=ref).exclude(source_id="").first()
    if found:
        return found
    if ref.isdigit():
        return Article.objects.filter(pk=int(ref)).first()
    path = ref
    if "://" in path:
        path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
    try:
        match = resolve(path if path.endswith("/") else path + "/")
    except Resolver404:
        return None
    if match.url_name == "article":
        return Article.objects.filter(slug=match.kwargs["slug"]).first()
    return None


class Command(BaseCommand):
    help = "Set a curated list: dateline curate dont-miss REF… (source id, public path or id)."

    def add_arguments(self, parser):
        parser.add_argument("list", help="List key, e.g. dont-miss or lead.")
        parser.add_argument("refs", nargs="*", help="Stories in order; none empties the list.")
        parser.add_argument("--title", help="Heading shown above the list.")

    def handle(self, *args, **options):
        articles, missing = [], []
        for ref in options["refs"]:
            article = article_from_ref(ref)
            (articles.append(article) if article else missing.append(ref))
        if missing:
            raise CommandError(
                "No story found for: " + ", ".join(missing) + ". The list was not changed.",
                returncode=1,
            )
        try:
            front_curate(
                key=options["list"],
                articles=articles,
                by=command_line_actor(),
                title=options.get("title"),
            )
        except ActionRefused as exc:
            raise CommandError(f"{exc} The list was not changed.", returncode=1) from None
        for i, a in enumerate(articles, 1):
            self.stdout.write(f"{i}. {a.headline} ({a.get_absolute_url()})")
        title = Collection.objects.get(key=options["list"]).title
        self.stdout.write(f"{title}: {len(articles)} stories")
