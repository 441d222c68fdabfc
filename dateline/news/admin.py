"""Django admin for news content, good enough to write and publish a story with a picture.
Saves and deletes go through the services, so admin edits sanitise, link and invalidate
like any other."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from dateline.news import services, touches
from dateline.news.models import (
    Article,
    Author,
    Collection,
    CollectionItem,
    Publication,
    Redirect,
    Section,
    Status,
    Tag,
    Topic,
)


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


class ArticleForm(forms.ModelForm):
    # The version the editor opened; saving over a newer one is refused (no lost work).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "source_credit",
            "body",
            "section",
            "authors",
            "tags",
            "topics",
            "lead_picture",
            "status",
            "published_at",
            "updated_at",
            "language",
            "located",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_version")
        if self.instance.pk and opened is not None:
            current = Article.objects.select_related("modified_by").get(pk=self.instance.pk)
            if current.version != opened:
                raise forms.ValidationError(str(services.EditConflict(current, opened)))
        return cleaned


def _keep_stored_instants(article: Article) -> None:
    """The form shows times to the second: one posted back unchanged must keep the stored
    instant, or every save would move the story in time (and refresh every page that
    lists it) by the microseconds the form dropped."""
    stored = (
        Article.objects.filter(pk=article.pk).values("published_at", "updated_at").first() or {}
    )
    for name, value in stored.items():
        posted = getattr(article, name)
        if value is not None and posted is not None and posted == value.replace(microsecond=0):
            setattr(article, name, value)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["headline", "section", "status", "published_at"]
    list_filter = ["status", "section"]
    search_fields = ["headline", "standfirst", "source_id"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["authors", "tags", "topics", "lead_picture"]
    prepopulated_fields = {"slug": ["headline"]}
    readonly_fields = ["body_words", "source", "source_id"]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "source_credit", "body"]}),
        ("Placement", {"fields": ["section", "authors", "tags", "topics", "lead_picture"]}),
        ("Publication", {"fields": ["status", "published_at", "updated_at"]}),
        (
            "Source",
            {
                "classes": ["collapse"],
                "fields": ["language", "located", "source", "source_id", "body_words"],
            },
        ),
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        for _ in range(3):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except services.EditConflict:
                # Someone saved between the form's version check and our conditional save.
                # Their save has committed and ours rolled back, so showing the form again
                # lets its check name them, with everything this person typed still in it.
                continue
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # The story is saved here through the service; its many-to-many relations are
        # saved by the form afterwards, in save_related.
        if obj.status == Status.PUBLISHED and obj.published_at is None:
            from dateline.core import clock

            obj.published_at = clock.now()
        # The form saves authors, tags and topics after this; what the story showed on
        # before any of it is read now, so the listings it leaves are known.
        obj._touches_before = touches.story_state(obj.pk, lock=True)
        if obj._touches_before is not None:
            _keep_stored_instants(obj)
        # The form checked the version; this conditional save closes the race between
        # that check and now.
        services.article_save(
            article=obj,
            expected_version=form.cleaned_data.get("opened_version"),
            by=request.user,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.article_relations_saved(
            article=form.instance, before=getattr(form.instance, "_touches_before", None)
        )

    def delete_model(self, request, obj):
        services.article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article)

    @admin.action(description="Publish now")
    def publish_now(self, request, queryset):
        for article in queryset:
            services.article_publish(article=article)
        messages.success(request, f"Published {queryset.count()} stories.")

    @admin.action(description="Unpublish")
    def unpublish(self, request, queryset):
        for article in queryset:
            services.article_unpublish(article=article)
        messages.success(request, f"Unpublished {queryset.count()} stories.")


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    autocomplete_fields = ["article"]
    extra = 1


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "key"]
    inlines = [CollectionItemInline]

    def save_model(self, request, obj, form, change):
        # The inline saves the items after this: read what the list showed first.
        obj._touches_before = touches.collection_state(obj.pk)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.collection_saved(
            collection=form.instance, before=getattr(form.instance, "_touches_before", None)
        )

    def delete_model(self, request, obj):
        services.collection_delete(collection=obj)

    def delete_queryset(self, request, queryset):
        for collection in queryset:
            services.collection_delete(collection=collection)


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
