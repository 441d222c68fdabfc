"""Admin for API tokens (made for a person, shown once; revoked), webhook subscribers
(URL checked: public addresses only) and the delivery log (read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from dateline.api.models import ApiToken, WebhookDelivery, WebhookSubscriber
from dateline.api.tokens import TokenRefused, token_create, token_revoke
from dateline.api.webhooks import subscriber_save
from dateline.core.fetch import FetchError, check_url


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"]
        return ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "prefix", "created_at", "last_used_at", "revoked_at"]

    def add_view(self, request, form_url="", extra_context=None):
        if request.method != "POST":
            return super().add_view(request, form_url, extra_context)
        form = self.get_form(request)(request.POST)
        if form.is_valid():
            try:
                token, secret = token_create(
                    user=form.cleaned_data["user"], name=form.cleaned_data["name"]
                )
            except TokenRefused as exc:
                messages.error(request, str(exc))
            else:
                # Shown in this answer only (the desk's answers are never cached).
                return TemplateResponse(
                    request,
                    "api/admin_token_made.html",
                    {**self.admin_site.each_context(request), "token": token, "secret": secret},
                )
        return super().add_view(request, form_url, extra_context)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token=token)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the audit keeps who used what


class SubscriberForm(forms.ModelForm):
    class Meta:
        model = WebhookSubscriber
        fields = ["url", "description", "active"]

    url = forms.URLField(assume_scheme="https", max_length=500)

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except FetchError as exc:
            raise forms.ValidationError(f"This address cannot receive webhooks: {exc}.") from None
        return url


@admin.register(WebhookSubscriber)
class WebhookSubscriberAdmin(admin.ModelAdmin):
    form = SubscriberForm
    list_display = ["url", "description", "active", "created_at"]
    readonly_fields = ["secret"]

    def save_model(self, request, obj, form, change):
        subscriber_save(subscriber=obj)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["message_id", "event", "subscriber", "status", "attempts", "last_status"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
