"""Admin pages for what readers see: stories, curated lists, library pictures, and the
audit log.

Admin is one more door into the newsroom's actions, never around them: the story form has
no status or publication-time field, saving a live story is a typed correction, the
publish/unpublish actions and delete call the same actions as the desk, and a curated list
is set with `front_curate`, and a picture is saved with `picture_edit`. Each of those writes an
audit entry naming the person."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from dateline.news import services
from dateline.news.body import BodyRefused, sanitize
from dateline.news.models import Article, Collection, CollectionItem, Correction, Status
from dateline.newsroom.actions.base import EDITORS, ActionRefused
from dateline.newsroom.actions.pictures import picture_edit, picture_refusal
from dateline.newsroom.actions.publication import (
    article_delete,
    article_edit,
    article_schedule,
    article_unpublish,
)
from dateline.newsroom.actions.workflow import CURATED_LISTS, front_curate
from dateline.newsroom.models import AuditEntry, Workflow, WorkflowState
from dateline.newsroom.presence import presence_record
from dateline.newsroom.roles import roles_of
from dateline.pictures import admin as pictures_admin
from dateline.pictures.models import Picture
from dateline.search.selectors import matching_pictures, matching_stories


def _full_text(queryset, search_term: str, matching, *, exact: str):
    """The list's search box through the search index (headline, standfirst, body and
    labels of a story; caption, credit and alt text of a picture) instead of a LIKE scan
    of every row, or the exact source id an importer gave."""
    if not search_term.strip():
        return queryset, False
    condition = Q(**{exact: search_term.strip()})
    found = matching(search_term)
    if found is not None:
        condition |= Q(pk__in=found)
    return queryset.filter(condition), False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "article"]
    list_filter = ["action"]
    search_fields = ["article__headline", "actor_name"]
    readonly_fields = ["at", "actor", "actor_name", "action", "article", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _is_editor(request) -> bool:
    return bool(roles_of(request.user) & EDITORS)


class ArticleForm(forms.ModelForm):
    # The version the editor opened; saving over a newer one is refused (no lost work).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A live story changes only as a typed correction (readers see the shown kinds).
    change_kind = forms.ChoiceField(
        label="Kind of change",
        choices=[("", "—")] + list(Correction.Kind.choices),
        required=False,
        help_text="The story is live: say what kind of change this is. A typo fix changes "
        "nothing readers see about the story's history; the others show a note.",
    )
    change_note = forms.CharField(
        label="Note to readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was corrected or updated (shown with corrections and clarifications).",
    )

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
            "social_headline",
            "social_description",
            "language",
            "located",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
        self.live = bool(self.instance.pk) and self.instance.status == Status.PUBLISHED
        if not self.live:
            del self.fields["change_kind"]
            del self.fields["change_note"]

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        try:
            sanitize(body)  # what the save will do; a refusal is the form's to show
        except BodyRefused as exc:
            raise forms.ValidationError(f"This text cannot be saved: {exc}.") from None
        return body

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_version")
        if self.instance.pk and opened is not None:
            current = Article.objects.select_related("modified_by").get(pk=self.instance.pk)
            if current.version != opened:
                raise forms.ValidationError(str(services.EditConflict(current, opened)))
        if self.live:
            kind = cleaned.get("change_kind") or ""
            if not kind:
                self.add_error("change_kind", "The story is live: choose the kind of change.")
            elif kind in Correction.SHOWN and not (cleaned.get("change_note") or "").strip():
                self.add_error("change_note", "Say what was corrected: readers see this note.")
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["headline", "section", "status", "published_at"]
    list_filter = ["status", "section"]
    search_fields = ["headline", "standfirst", "source_id"]

    def get_search_results(self, request, queryset, search_term):
        return _full_text(queryset, search_term, matching_stories, exact="source_id")

    date_hierarchy = "published_at"
    autocomplete_fields = ["authors", "tags", "topics", "lead_picture"]
    prepopulated_fields = {"slug": ["headline"]}
    readonly_fields = [
        "status",
        "published_at",
        "updated_at",
        "body_words",
        "source",
        "source_id",
    ]
    actions = ["publish_now", "unpublish"]

    class Media:
        js = ["newsroom/autosave.js"]

    def get_fieldsets(self, request, obj=None):
        publication = ["status", "published_at", "updated_at"]
        if obj is not None and obj.status == Status.PUBLISHED:
            publication += ["change_kind", "change_note"]
        return [
            (None, {"fields": ["headline", "slug", "standfirst", "source_credit", "body"]}),
            ("Placement", {"fields": ["section", "authors", "tags", "topics", "lead_picture"]}),
            (
                "Search and social",
                {"classes": ["collapse"], "fields": ["social_headline", "social_description"]},
            ),
            (
                "Publication",
                {
                    "fields": publication,
                    "description": "Publish, schedule and unpublish from the newsroom "
                    "queue (/newsroom/) or with the actions of the story list.",
                },
            ),
            (
                "Source",
                {
                    "classes": ["collapse"],
                    "fields": ["language", "located", "source", "source_id", "body_words"],
                },
            ),
        ]

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

    def render_change_form(self, request, context, *args, **kwargs):
        # The body editor's import map is an inline script, the one the desk's
        # Content-Security-Policy lets run: it carries the page's nonce (config/security.py).
        from dateline.newsroom.editor import with_nonce

        context["media"] = with_nonce(context["media"], request)
        return super().render_change_form(request, context, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or _is_editor(request):
            return allowed
        # A writer changes their own stories, and only while they are not live (they
        # propose changes to a live one through review).
        return obj.created_by_id == request.user.pk and obj.status != Status.PUBLISHED

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not _is_editor(request):
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
        # Saved with its relations in save_related, in one call of the newsroom's action.
        pass

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        states = Workflow.objects.filter(article_id=form.instance.pk).values_list("state")
        was = states.first() if form.instance.pk else None
        try:
            article_edit(
                article=form.instance,
                by=request.user,
                authors=list(data.get("authors") or []),
                tags=list(data.get("tags") or []),
                topics=list(data.get("topics") or []),
                expected_version=data.get("opened_version"),
                kind=data.get("change_kind") or "",
                note=data.get("change_note") or "",
            )
        except ActionRefused as exc:
            raise PermissionDenied(str(exc)) from None
        if was not in (None, (WorkflowState.DRAFT,)) and states.first() == (WorkflowState.DRAFT,):
            messages.warning(
                request,
                "Your change sent the story back to draft: the editors reviewed the text "
                "before it. Submit it again from the newsroom queue when it is ready.",
            )

    def delete_model(self, request, obj):
        try:
            article_delete(article=obj, by=request.user, note="deleted in admin")
        except ActionRefused as exc:
            raise PermissionDenied(str(exc)) from None

    def delete_queryset(self, request, queryset):
        for article in queryset:
            self.delete_model(request, article)

    def _act(self, request, queryset, action, done: str):
        count, refused = 0, []
        for article in queryset:
            try:
                action(article=article, by=request.user)
                count += 1
            except ActionRefused as exc:
                refused.append(f"{article.headline}: {exc}")
        if count:
            messages.success(request, f"{done} {count} {'story' if count == 1 else 'stories'}.")
        for line in refused:
            messages.error(request, line)

    @admin.action(description="Publish now")
    def publish_now(self, request, queryset):
        self._act(request, queryset, article_schedule, "Published")

    @admin.action(description="Unpublish")
    def unpublish(self, request, queryset):
        self._act(request, queryset, article_unpublish, "Unpublished")


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    autocomplete_fields = ["article"]
    extra = 1


class CollectionForm(forms.ModelForm):
    key = forms.ChoiceField(choices=[(k, k) for k in CURATED_LISTS])

    class Meta:
        model = Collection
        fields = ["key", "title"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    """The front page's curated lists. The inline rows are read from the form and set in
    one call of `front_curate`, like the desk's front-page screen and `dateline curate`."""

    form = CollectionForm
    list_display = ["title", "key"]
    inlines = [CollectionItemInline]

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # A list is emptied, not deleted: the front page names its three lists.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # the title and the stories go in together, in save_formset
        try:
            front_curate(key=obj.key, articles=[], by=request.user, title=obj.title or None)
        except ActionRefused as exc:
            raise PermissionDenied(str(exc)) from None
        created = Collection.objects.get(key=obj.key)
        obj.pk, obj._state.adding = created.pk, False

    def save_formset(self, request, form, formset, change):
        rows = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("article")
        ]
        rows.sort(key=lambda row: row.get("position") or 0)
        key = form.instance.key
        try:
            front_curate(
                key=key,
                articles=[row["article"] for row in rows],
                by=request.user,
                title=form.cleaned_data.get("title") or None,
            )
        except ActionRefused as exc:
            raise PermissionDenied(str(exc)) from None
        # What admin's change message reads; the rows were written by the action.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(Picture)
class PictureAdmin(pictures_admin.PictureAdmin):
    def get_search_results(self, request, queryset, search_term):
        return _full_text(queryset, search_term, matching_pictures, exact="source_id")

    """The library's picture form and its focal-point picker, saved through `picture_edit`:
    a writer sees a picture that a colleague's live story shows, but cannot change it."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return not picture_refusal(picture=obj, by=request.user)

    def save_model(self, request, obj, form, change):
        try:
            picture_edit(picture=obj, by=request.user, changed=form.changed_data)
        except ActionRefused as exc:
            raise PermissionDenied(str(exc)) from None


# Static pages: their admin saves through the page actions (pages_admin.py).
from dateline.newsroom import pages_admin  # noqa: E402, F401
