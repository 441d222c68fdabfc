from django.contrib import admin

from dateline.newsroom.models import AuditEntry


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
