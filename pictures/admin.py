"""The picture library in the admin, and pictures as a part of the story page.

The library's add page takes the upload and its rights; its change page shows the picture, on
which a click sets the focal point (pictures/static/pictures/admin/focal_point.js). Both call
`pictures.services`. The story page's "Pictures" inline collects placements; the story admin
saves them with the rest of the story in one `stories.services.story_update`.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from pictures import services
from pictures.crops import image_plan
from pictures.intake import PictureRefused, picture_open
from pictures.models import Image, Placement, PlacementRole
from stories.admin.parts import StoryPartPermissions
from stories.models import SectionKind, StorySection
from stories.widgets import (
    PrefetchedAutocompleteMixin,
    PrefetchedRelationsForm,
    set_static_choices,
)

RIGHTS = ["credit", "copyright_notice", "licence", "licence_url", "usage_terms", "rights_expire_on"]


def thumbnail_url(image: Image, crop: str = "original", width: int = 320) -> str:
    """The JPEG rendition of a crop nearest `width` (at least it, if there is one), or the
    original while the renditions are being computed."""
    if image.renditions_revision:
        plan = image_plan(image, revision=image.renditions_revision)
        jpegs = sorted(
            (p for p in plan if p.crop == crop and p.format == "jpeg"), key=lambda p: p.width
        )
        if jpegs:
            chosen = next((p for p in jpegs if p.width >= width), jpegs[-1])
            return image.file.storage.url(chosen.name)
    return image.file.url


class ImageUploadForm(forms.ModelForm):
    """Upload and rights; the file is read and refused here, before anything is stored."""

    upload = forms.FileField(
        help_text="JPEG, PNG, WebP or AVIF. EXIF location is removed; orientation is applied."
    )

    class Meta:
        model = Image
        fields = ["upload", "title", *RIGHTS, "source_url"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > settings.NEWSDESK_PICTURE_MAX_BYTES:  # refused before it is read
            limit = settings.NEWSDESK_PICTURE_MAX_BYTES / 1e6
            raise ValidationError(
                f"The file is {upload.size / 1e6:.3g} MB; pictures may be at most {limit:.3g} MB."
            )
        data = upload.read()
        try:
            picture_open(data, name=upload.name)
        except PictureRefused as refused:
            raise ValidationError(str(refused)) from refused
        self.upload_bytes = data
        return upload


class ImageChangeForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["title", *RIGHTS, "source_url", "focal_x", "focal_y"]
        widgets = {"focal_x": forms.HiddenInput, "focal_y": forms.HiddenInput}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "__str__", "credit", "licence", "rights_expire_on", "uses"]
    list_filter = ["licence"]
    search_fields = ["title", "credit", "copyright_notice"]
    readonly_fields = ["focal_point", "size", "taken_down_at"]

    class Media:
        css = {"all": ["pictures/admin/pictures.css"]}
        js = ["pictures/admin/focal_point.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("placements"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageChangeForm if obj is not None else ImageUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["upload", "title"]}), ("Rights", {"fields": RIGHTS}),
                    (None, {"fields": ["source_url"]})]  # fmt: skip
        return [
            (None, {"fields": ["focal_point", "focal_x", "focal_y", "title", "size"]}),
            ("Rights", {"fields": [*RIGHTS, "source_url", "taken_down_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description="")
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="" width="80" class="picture-thumb">', thumbnail_url(image, "4x3")
        )

    @admin.display(description="Used in", ordering="use_count")
    def uses(self, image):
        return getattr(image, "use_count", 0)

    @admin.display(description="Size")
    def size(self, image):
        return f"{image.width} × {image.height} px"

    @admin.display(description="Focal point")
    def focal_point(self, image):
        return format_html(
            '<div class="focal-point" data-x="{}" data-y="{}">'
            '<img src="{}" alt="The picture: click its most important point" width="{}" '
            'height="{}"><span class="focal-marker" aria-hidden="true"></span></div>'
            '<p class="help">Click the picture’s most important point (a face, say): every '
            "crop keeps it in view.</p>",
            image.focal_x,
            image.focal_y,
            thumbnail_url(image, width=960),
            image.width,
            image.height,
        )

    def save_model(self, request, obj, form, change):
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.EDITABLE_FIELDS
            }
            services.image_update(image=obj, by=request.user, fields=fields)
            return
        fields = {name: form.cleaned_data[name] for name in (*RIGHTS, "title", "source_url")}
        image, created = services.image_upload(
            data=form.upload_bytes, name=form.cleaned_data["upload"].name, by=request.user,
            **{k: v for k, v in fields.items() if v not in (None, "")},
        )  # fmt: skip
        obj.pk, obj._state.adding = image.pk, False
        request.picture_existing = None if created else image

    def save_related(self, request, form, formsets, change):
        pass  # no relations of its own; placements are saved with their story

    def log_addition(self, request, obj, message):
        if getattr(request, "picture_existing", None) is None:
            super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        existing = getattr(request, "picture_existing", None)
        if existing is not None:
            self.message_user(
                request,
                "This picture is already in the library: here it is. Nothing was changed.",
                messages.WARNING,
            )
        else:
            self.message_user(request, "Uploaded. Click its most important point, then save.")
        return HttpResponseRedirect(reverse("admin:pictures_image_change", args=[obj.pk]))

    def delete_model(self, request, obj):
        services.image_delete(image=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            services.image_delete(image=image, by=request.user)


class PlacementForm(PrefetchedRelationsForm):
    prefetched = ("image",)

    class Meta:
        model = Placement
        fields = ["image", "role", "section", "paragraph", "order", "alt_text", "caption"]
        widgets = {"caption": forms.Textarea(attrs={"rows": 2})}


class PlacementFormSet(BaseInlineFormSet):
    """Offers the story's text sections, read once for all rows (not once per row)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "section" not in form.fields:
            return
        if not hasattr(self, "_section_choices"):
            sections = (
                [s for s in self.instance.sections.all() if s.kind == SectionKind.TEXT]
                if self.instance.pk
                else []
            )
            self._section_choices = [("", "---------")] + [(s.pk, s.heading) for s in sections]
        set_static_choices(form.fields["section"], self._section_choices)


class PlacementInline(StoryPartPermissions, PrefetchedAutocompleteMixin, admin.StackedInline):
    """The story's pictures: the lead picture and pictures in text sections, each with the
    alt text and caption of this use."""

    model = Placement
    form = PlacementForm
    formset = PlacementFormSet
    template = "stories/admin/stacked_inline.html"
    extra = 0
    # Found by title or credit; each row's picture comes with the row (no query per row).
    autocomplete_fields = ["image"]
    # `order` on a row of its own: the story page hides that row (parts are ordered by dragging).
    fields = [
        ("image", "preview"),
        ("role", "section", "paragraph"),
        "alt_text",
        "caption",
        "order",
    ]
    readonly_fields = ["preview"]
    verbose_name_plural = "Pictures"

    def get_formset(self, request, obj=None, **kwargs):
        request.picture_story = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            story = getattr(request, "picture_story", None)
            kwargs["queryset"] = (
                StorySection.objects.filter(story=story, kind=SectionKind.TEXT)
                if story is not None
                else StorySection.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("image")

    @admin.display(description="")
    def preview(self, placement):
        if not placement.pk:
            return ""
        role = "lead" if placement.role == PlacementRole.LEAD else "in section"
        return format_html(
            '<img src="{}" alt="" width="160" class="picture-thumb"> <span class="quiet">{} · {}'
            "</span>",
            thumbnail_url(placement.image, "16x9"),
            role,
            placement.image.credit or "no credit",
        )
