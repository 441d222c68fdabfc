"""The public pages' Jinja2 environment, wired here because three apps give to it: news
makes it (filters, pictures), pages gives the footer menu and syndication adds what the
page head carries for the outside world (feed links, structured data, social cards). news
never imports pages or syndication; config is where they meet."""

from jinja2 import Environment

from dateline.news.jinja import environment as news_environment
from dateline.pages.selectors import footer_menu
from dateline.syndication.head import head


def environment(**options) -> Environment:
    env = news_environment(**options)
    env.globals["syndication_head"] = head
    # Every page's footer links the static pages the desk chose (news never imports pages).
    env.globals["footer_menu"] = footer_menu
    return env
