from django.contrib import admin
from django.utils.html import format_html

from dateline.media.models import Picture


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    list_display = ["thumb", "caption", "credit", "width", "height", "created_at"]
    search_fields = ["caption", "credit", "alt_text"]
    readonly_fields = ["width", "height", "source", "source_id", "preview"]
    fields = ["file", "preview", "caption", "credit", "alt_text", "width", "height", "source", "source_id"]

    @admin.display(description="")
    def thumb(self, obj):
        return format_html('<img src="{}" alt="" style="height:48px">', obj.url) if obj.file else ""

    @admin.display(description="Preview")
    def preview(self, obj):
        return format_html('<img src="{}" alt="" style="max-width:320px">', obj.url) if obj.file else ""
