"""Django admin for the news vocabulary: sections, authors, tags, topics, publication
settings and old addresses. Saves and deletes go through the services, so the pages that
show them are refreshed. Stories and curated lists change what readers see, so their admin
pages live in the newsroom (newsroom/admin.py), where every save goes through the
newsroom's actions."""

from __future__ import annotations

from django.contrib import admin

from dateline.news import services
from dateline.news.models import Author, Publication, Redirect, Section, Tag, Topic


class LabelAdmin(admin.ModelAdmin):
    """Sections, authors, tags and topics: saved and deleted through the services, so the
    pages that show their names (bylines, labels, navigation) are refreshed."""

    def save_model(self, request, obj, form, change):
        services.label_save(label=obj)

    def delete_model(self, request, obj):
        services.label_delete(label=obj)

    def delete_queryset(self, request, queryset):
        for label in queryset:
            services.label_delete(label=label)


@admin.register(Section)
class SectionAdmin(LabelAdmin):
    list_display = ["name", "slug", "position", "in_navigation"]
    list_editable = ["position", "in_navigation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(LabelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(LabelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(LabelAdmin):
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
        services.publication_update(publication=obj)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Old addresses of migrated stories: correct where one points, or drop it."""

    list_display = ["old_path", "article", "source"]
    search_fields = ["old_path", "article__headline"]
    autocomplete_fields = ["article"]
    readonly_fields = ["source"]

    def has_delete_permission(self, request, obj=None):
        # An old address goes with its story: whoever may delete stories may delete it.
        return super().has_delete_permission(request, obj) or request.user.has_perm(
            "news.delete_article"
        )

    def save_model(self, request, obj, form, change):
        services.redirect_save(redirect=obj)

    def delete_model(self, request, obj):
        services.redirect_delete(redirect=obj)

    def delete_queryset(self, request, queryset):
        for redirect in queryset:
            services.redirect_delete(redirect=redirect)
