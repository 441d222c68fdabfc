from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html, format_html_join

from dateline.pictures.models import Picture
from dateline.pictures.services import (
    MAX_PIXELS,
    PictureRejected,
    max_bytes,
    picture_delete,
    picture_save,
    picture_upload_prepare,
)


class PictureForm(forms.ModelForm):
    # A plain file field: Django's ImageField would open the upload with Pillow before our
    # checks run, whatever its size. picture_upload_prepare checks the size first, then
    # reads the picture's header once, and stores it cleaned of location and camera data.
    file = forms.FileField(
        label="Picture",
        widget=AdminFileWidget,
        help_text=f"JPEG, PNG, WebP or GIF, up to {max_bytes() // 1024 // 1024} MB and "
        f"{MAX_PIXELS // 1_000_000} megapixels. Where it was taken and the camera's details "
        "are removed when it is stored.",
    )

    class Meta:
        model = Picture
        fields = ["file", "caption", "credit", "alt_text", "focal_x", "focal_y"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):  # a new file; otherwise the stored one stays
            try:
                prepared = picture_upload_prepare(upload)
            except PictureRejected as exc:
                raise forms.ValidationError(f"This file cannot be used: {exc}.") from None
            self.instance.metadata_cleaned = True
            return prepared
        return upload


class PictureAdmin(admin.ModelAdmin):
    """The picture form. Registered by the newsroom (newsroom/admin.py), which saves through
    its `picture_edit` action: a picture on a live story is part of what readers see."""

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
