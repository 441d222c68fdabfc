"""Admin for static pages, through the newsroom's page actions (as the story admin is):
the form has no status field; saving calls `page_save`, the list's actions `page_publish`
and `page_unpublish`, delete `page_delete`. The footer menu is set at the desk
(/newsroom/pages/, `footer_set`). Access follows the roles, not Django's model
permissions: writers see and draft pages, editors and admins do the rest."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from dateline.news.body import BodyRefused, sanitize
from dateline.newsroom.actions.base import EDITORS, ActionRefused
from dateline.newsroom.actions.pages import (
    page_delete,
    page_publish,
    page_save,
    page_unpublish,
)
from dateline.newsroom.roles import Role, roles_of
from dateline.pages.models import Page, PageStatus, slug_refusal

WRITING = {Role.WRITER, *EDITORS}


def _roles(request) -> frozenset:
    return roles_of(request.user)


class PageForm(forms.ModelForm):
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Page
        fields = ["title", "slug", "description", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        refusal = slug_refusal(slug)
        if refusal:
            raise forms.ValidationError(refusal)
        return slug

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        try:
            sanitize(body)
        except BodyRefused as exc:
            raise forms.ValidationError(f"This text cannot be saved: {exc}.") from None
        return body


class RoleAccess:
    """Views and drafts for whoever writes; everything else for editors."""

    def has_module_permission(self, request):
        return bool(_roles(request) & WRITING)

    def has_view_permission(self, request, obj=None):
        return bool(_roles(request) & WRITING)

    def has_add_permission(self, request):
        return bool(_roles(request) & WRITING)

    def has_change_permission(self, request, obj=None):
        if _roles(request) & EDITORS:
            return True
        return bool(_roles(request) & WRITING) and (obj is None or not obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return bool(_roles(request) & EDITORS)


@admin.register(Page)
class PageAdmin(RoleAccess, admin.ModelAdmin):
    form = PageForm
    list_display = ["title", "slug", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at", "updated_at", "version"]
    fields = ["title", "slug", "description", "body", "opened_version", *readonly_fields]
    actions = ["publish", "unpublish"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            from dateline.newsroom.editor import BodyEditorWidget

            kwargs["widget"] = BodyEditorWidget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def render_change_form(self, request, context, *args, **kwargs):
        from dateline.newsroom.editor import with_nonce

        context["media"] = with_nonce(context["media"], request)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not _roles(request) & EDITORS:
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        target = Page.objects.get(pk=obj.pk) if obj.pk else Page()
        try:
            page_save(
                page=target,
                by=request.user,
                title=data["title"],
                slug=data["slug"],
                description=data.get("description") or "",
                body=data.get("body") or "",
                expected_version=data.get("opened_version"),
            )
        except ActionRefused as exc:
            raise PermissionDenied(str(exc)) from None
        obj.pk, obj._state.adding = target.pk, False

    def delete_model(self, request, obj):
        try:
            page_delete(page=obj, by=request.user)
        except ActionRefused as exc:
            raise PermissionDenied(str(exc)) from None

    def delete_queryset(self, request, queryset):
        for page in queryset:
            self.delete_model(request, page)

    def _act(self, request, queryset, action, done: str):
        count = 0
        for page in queryset:
            try:
                action(page=page, by=request.user)
                count += 1
            except ActionRefused as exc:
                messages.error(request, f"{page.title}: {exc}")
        if count:
            messages.success(request, f"{done} {count} {'page' if count == 1 else 'pages'}.")

    @admin.action(description="Publish")
    def publish(self, request, queryset):
        self._act(request, queryset.exclude(status=PageStatus.PUBLISHED), page_publish, "Published")

    @admin.action(description="Unpublish")
    def unpublish(self, request, queryset):
        self._act(
            request, queryset.filter(status=PageStatus.PUBLISHED), page_unpublish, "Unpublished"
        )
