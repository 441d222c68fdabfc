from django.contrib import admin, messages

from dateline.news.admin import ArticleAdmin
from dateline.news.models import Article, Status
from dateline.newsroom.actions.workflow import EDITORS
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.presence import presence_record
from dateline.newsroom.roles import roles_of


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

    # Publishing belongs to editors: a writer sees these fields but cannot set them, and
    # cannot change a live story here (they propose changes through review instead).
    PUBLISHING_FIELDS = ("status", "published_at", "updated_at")

    @staticmethod
    def _is_editor(request) -> bool:
        return bool(roles_of(request.user) & EDITORS)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            from dateline.newsroom.editor import BodyEditorWidget

            kwargs["widget"] = BodyEditorWidget()
            kwargs["help_text"] = (
                "Write as in a word processor. Start a line with ## for a crosshead or > for "
                "a quotation. Add pictures, ALSO READ links and embeds with the buttons under "
                "the text. Pasted text from Word or Google Docs is cleaned."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self._is_editor(request):
            fields += [f for f in self.PUBLISHING_FIELDS if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or self._is_editor(request):
            return allowed
        # A writer changes their own stories, and only while they are not live.
        return obj.created_by_id == request.user.pk and obj.status != Status.PUBLISHED

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self._is_editor(request):
            actions.pop("publish_now", None)
            actions.pop("unpublish", None)
        return actions

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
