"""Wire sources are configured in admin; their items are read-only there (the desk works
from the newsroom's wire screen)."""

from __future__ import annotations

from django.contrib import admin

from dateline.ingest.models import WireItem, WireSource


@admin.register(WireSource)
class WireSourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "format",
        "kind",
        "location",
        "publish_directly",
        "interval",
        "enabled",
        "last_polled_at",
        "last_error",
    ]
    list_filter = ["format", "kind", "enabled", "publish_directly"]
    search_fields = ["name", "location"]
    readonly_fields = ["etag", "last_modified", "last_polled_at", "last_error"]
    fields = [
        "name",
        "kind",
        "location",
        "format",
        "default_section",
        "default_credit",
        "publish_directly",
        "interval",
        "enabled",
        *readonly_fields,
    ]


@admin.register(WireItem)
class WireItemAdmin(admin.ModelAdmin):
    list_display = ["headline", "source", "guid", "version", "status", "received_at"]
    list_filter = ["source", "status"]
    search_fields = ["guid", "headline"]
    raw_id_fields = ["article", "duplicate_of"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
