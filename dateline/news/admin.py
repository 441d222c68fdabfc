"""Django admin for the news vocabulary: sections, authors, tags, topics, publication
settings. Stories and curated lists change what readers see, so their admin pages live in
the newsroom (newsroom/admin.py), where every save goes through the newsroom's actions."""

from __future__ import annotations

from django.contrib import admin

from dateline.news.models import Author, Publication, Section, Tag, Topic


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "in_navigation"]
    list_editable = ["position", "in_navigation"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from dateline.pagecache import invalidate

        invalidate({"sections", f"section:{obj.pk}", "front"})


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "time_zone"]

    def has_add_permission(self, request):
        return not Publication.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from dateline.pagecache import invalidate

        invalidate({"settings"})
