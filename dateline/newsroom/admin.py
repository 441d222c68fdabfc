from django.contrib import admin, messages

from dateline.news.admin import ArticleAdmin
from dateline.news.models import Article
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.presence import presence_record


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "article"]
    list_filter = ["action"]
    search_fields = ["article__headline", "actor__username"]
    readonly_fields = ["at", "actor", "action", "article", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NewsroomArticleAdmin(ArticleAdmin):
    """The article admin with the newsroom's notice of who else has the story open, and
    autosave of the text while it is edited."""

    class Media:
        js = ["newsroom/autosave.js"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is not None and request.method == "GET":
            others = presence_record(article=article, user=request.user)
            if others:
                messages.warning(
                    request,
                    f"Also open by {', '.join(others)}: saving over their work is refused, "
                    "so save often and reload if told.",
                )
        return super().change_view(request, object_id, form_url, extra_context)


admin.site.unregister(Article)
admin.site.register(Article, NewsroomArticleAdmin)
