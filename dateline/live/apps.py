from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "dateline.live"
    label = "live"
    verbose_name = "Live coverage"

    def ready(self) -> None:
        # The article page shows a live story's entries: news never imports live, so live
        # adds its part to news' page here, at start (news.selectors.article_part).
        # Its teasers say "Live" while it is (news.selectors.teaser_label).
        # And its item in the site's feeds carries its newest entries (syndication).
        from dateline.live.feeds import live_items
        from dateline.live.selectors import live_labels, live_part
        from dateline.news.selectors import article_part, teaser_label
        from dateline.syndication.selectors import feed_part

        article_part(live_part)
        teaser_label(live_labels)
        feed_part(live_items)
