"""The mails themselves: a confirmation, and an issue of a list for one subscriber.

Each is multipart/alternative: a plain-text part and an HTML part from our own templates
(jinja2/newsletters/email/: a single-column table, every style inline, since many clients
drop <style> and ignore CSS layout). Everything from a story (headline, standfirst) is
text, escaped by the template engine in the HTML part; a subject is one line.

Headers: a From with the publication's name, a Message-ID on the site's domain (recorded
on the delivery before it is sent), List-Id, and List-Unsubscribe with a mailto and an
https address plus List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 2369, RFC 8058):
a mail client's "Unsubscribe" button POSTs to the https address and is done, with no page
to confirm and no cookie."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formataddr, make_msgid
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from dateline.core import dates
from dateline.news.models import Article, Publication
from dateline.newsletters import lists, tokens
from dateline.newsletters.models import Mailing, Subscriber
from dateline.syndication.identity import absolute, site_url

_SPACE = re.compile(r"\s+")


def one_line(text: str, limit: int = 180) -> str:
    """A header value from any text: no line breaks (header injection), no runs of space."""
    text = _SPACE.sub(" ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def domain() -> str:
    return urlsplit(site_url()).hostname or "localhost"


def sender(publication: Publication) -> str:
    if settings.DATELINE_EMAIL_FROM:
        return settings.DATELINE_EMAIL_FROM
    return formataddr((one_line(publication.name, 100), f"newsletters@{domain()}"))


def unsubscribe_mailbox() -> str:
    return settings.DATELINE_UNSUBSCRIBE_MAILTO or f"unsubscribe@{domain()}"


def message_id() -> str:
    return make_msgid("newsletter", domain=domain())


def _render(name: str, context: dict) -> str:
    return render_to_string(f"newsletters/email/{name}", context, using="jinja2")


def confirmation(*, subscriber: Subscriber, list_keys: list[str]) -> EmailMultiAlternatives:
    publication = Publication.load()
    token = tokens.make(tokens.CONFIRM, subscriber, list_keys)
    named = [x for x in (lists.by_key(k) for k in list_keys) if x is not None]
    context = {
        "publication": publication,
        "lists": named,
        "confirm_url": absolute(f"/newsletters/confirm/{token}/"),
        "hours": tokens.CONFIRM_SECONDS // 3600,
    }
    mail = EmailMultiAlternatives(
        subject=one_line(f"Confirm your newsletters from {publication.name}"),
        body=_render("confirm.txt", context),
        from_email=sender(publication),
        to=[subscriber.email],
        headers={"Message-ID": message_id(), "Auto-Submitted": "auto-generated"},
    )
    mail.attach_alternative(_render("confirm.html", context), "text/html")
    return mail


@dataclass
class Issue:
    """What every copy of a mailing shares, read once per batch."""

    mailing: Mailing
    publication: Publication
    newsletter: lists.NewsletterList
    stories: list[Article]
    groups: dict[int, str]
    edition_date: str


GROUP_TITLES = {"lead": "", "top": "Top stories", "dont-miss": "Don't miss", "latest": ""}


def issue(mailing: Mailing) -> Issue:
    """The stories of `mailing` still visible now, in its order: a story taken down since
    the desk picked it is left out of every copy."""
    publication = Publication.load()
    ids = [item["id"] for item in mailing.items]
    found = {
        a.pk: a
        for a in Article.objects.published()
        .filter(pk__in=ids)
        .only("pk", "headline", "slug", "standfirst")
    }
    stories = [found[i] for i in ids if i in found]
    newsletter = lists.by_key(mailing.list_key) or lists.NewsletterList(
        mailing.list_key, "Newsletter", ""
    )
    edition = mailing.edition or mailing.created_at.astimezone(publication.zone).date()
    return Issue(
        mailing=mailing,
        publication=publication,
        newsletter=newsletter,
        stories=stories,
        groups={item["id"]: item.get("group", "") for item in mailing.items},
        edition_date=dates.long_date(edition, publication.language),
    )


def copy(issue: Issue, *, subscriber: Subscriber, msgid: str) -> EmailMultiAlternatives:
    """`issue` for one subscriber: their own unsubscribe and manage links."""
    mailing = issue.mailing
    unsubscribe = tokens.make(tokens.UNSUBSCRIBE, subscriber, [mailing.list_key])
    unsubscribe_url = absolute(f"/newsletters/unsubscribe/{unsubscribe}/")
    manage_url = absolute(f"/newsletters/manage/{tokens.make(tokens.MANAGE, subscriber)}/")
    sections = []
    for story in issue.stories:
        group = issue.groups.get(story.pk, "")
        if not sections or sections[-1][0] != group:
            sections.append((group, GROUP_TITLES.get(group, ""), []))
        sections[-1][2].append(
            {
                "headline": one_line(story.headline, 300),
                "standfirst": story.standfirst,
                "url": absolute(f"/story/{quote(story.slug)}/"),
            }
        )
    context = {
        "publication": issue.publication,
        "newsletter": issue.newsletter,
        "mailing": mailing,
        "sections": sections,
        "edition_date": issue.edition_date,
        "site_url": site_url() + "/",
        "unsubscribe_url": unsubscribe_url,
        "manage_url": manage_url,
    }
    mailto = f"mailto:{unsubscribe_mailbox()}?subject={quote('unsubscribe ' + unsubscribe)}"
    mail = EmailMultiAlternatives(
        subject=one_line(mailing.subject),
        body=_render("issue.txt", context),
        from_email=sender(issue.publication),
        to=[subscriber.email],
        headers={
            "Message-ID": msgid,
            "List-Id": f"{one_line(issue.newsletter.name, 80)} "
            f"<{mailing.list_key.replace(':', '-')}.{domain()}>",
            "List-Unsubscribe": f"<{mailto}>, <{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        },
    )
    mail.attach_alternative(_render("issue.html", context), "text/html")
    return mail
