from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from dateline.pictures.models import Picture
from dateline.pictures.services import (
    PictureRejected,
    picture_delete,
    picture_save,
    picture_validate_bytes,
)


class PictureForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = ["file", "caption", "credit", "alt_text", "focal_x", "focal_y"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "read") and getattr(upload, "_committed", True) is False:
            data = upload.read()
            upload.seek(0)
            try:
                picture_validate_bytes(data)
            except PictureRejected as exc:
                raise forms.ValidationError(f"This file cannot be used: {exc}.") from None
        return upload


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ["thumb", "caption", "credit", "width", "height", "created_at"]
    search_fields = ["caption", "credit", "alt_text"]
    readonly_fields = ["width", "height", "source", "source_id", "preview"]
    fields = [
        "file",
        "preview",
        "caption",
        "credit",
        "alt_text",
        "focal_x",
        "focal_y",
        "width",
        "height",
        "source",
        "source_id",
    ]

    def save_model(self, request, obj, form, change):
        picture_save(picture=obj)

    def delete_model(self, request, obj):
        picture_delete(picture=obj)

    def delete_queryset(self, request, queryset):
        for picture in queryset:
            picture_delete(picture=picture)

    @admin.display(description="")
    def thumb(self, obj):
        return format_html('<img src="{}" alt="" style="height:48px">', obj.url) if obj.file else ""

    class Media:
        js = ["pictures/focal.js"]
        css = {"all": ["pictures/focal.css"]}

    @admin.display(description="Focal point and crops")
    def preview(self, obj):
        """The picture to click on for its focal point, and the crops readers get."""
        if not obj.file or not obj.width:
            return ""
        crops = format_html_join(
            "",
            '<figure><img src="{}" alt="" data-ratio="{}" style="aspect-ratio:{}">'
            "<figcaption>{}</figcaption></figure>",
            (
                (obj.rendition_url(320, ratio=r), r, r.replace("x", "/"), r.replace("x", ":"))
                for r in ("16x9", "4x3", "1x1")
            ),
        )
        return format_html(
            '<div class="focal-picker"><img src="{}" alt="{}">'
            '<span class="focal-marker" aria-hidden="true"></span></div>'
            '<p class="help">Click the subject of the picture: crops keep it in view.</p>'
            '<div class="focal-crops">{}</div>',
            obj.rendition_url(640),
            obj.alt_text,
            crops,
        )
