"""The story page's background requests: autosave of a draft and the live Markdown preview.

A mixin of `StoryAdmin` (`stories/admin/story.py`), which routes to these views.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.utils import timezone

from stories import permissions
from stories.models import (
    StoryStatus,
)
from stories.rendering import render_markdown


class StoryEditingViews:
    """Autosave (the change form's own save, answered in JSON) and the preview."""

    def autosave_view(self, request, object_id):
        """Save a draft's form in the background, exactly as the Save button would (the same
        checks, the same service call), and answer in JSON. A save that is refused (someone
        saved a newer version, a field is invalid) changes nothing and says why."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, object_id)
        if story.status != StoryStatus.DRAFT or not permissions.story_can_edit(request.user, story):
            return JsonResponse(
                {"saved": False, "errors": ["Only a draft you may edit is saved as you type."]},
                status=403,
            )
        response = self.changeform_view(request, object_id)
        list(messages.get_messages(request))  # an autosave leaves no message for the next page
        saved = getattr(request, "story_saved", None)
        if saved is not None:
            return JsonResponse(
                {"saved": True, "at": timezone.localtime().strftime("%H:%M:%S"), **saved}
            )
        errors = self.form_errors(response)
        conflict = any("after you opened it" in error for error in errors)
        return JsonResponse({"saved": False, "errors": errors}, status=409 if conflict else 400)

    @staticmethod
    def form_errors(response) -> list[str]:
        context = getattr(response, "context_data", None) or {}
        adminform = context.get("adminform")
        errors = list(adminform.form.non_field_errors()) if adminform else []
        if adminform:
            for name, field_errors in adminform.form.errors.items():
                if name != "__all__":
                    label = (
                        adminform.form.fields[name].label if name in adminform.form.fields else name
                    )
                    errors += [f"{label}: {error}" for error in field_errors]
        for inline in context.get("inline_admin_formsets", []):
            noun = inline.opts.verbose_name_plural
            errors += [f"{noun}: {e}" for e in inline.formset.non_form_errors()]
            for index, form_errors in enumerate(inline.formset.errors):
                for name, field_errors in form_errors.items():
                    errors += [f"{noun} #{index + 1}, {name}: {e}" for e in field_errors]
        return errors or ["Not saved: check the form."]

    def preview_view(self, request):
        """A section's Markdown as readers will see it: the public page's renderer and
        sanitiser, for the live preview beside the editor."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (
            request.user.has_perm("stories.change_story")
            or request.user.has_perm("stories.add_story")
        ):
            raise PermissionDenied
        text = next((v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"), "")
        return HttpResponse(render_markdown(text[:200_000]) or '<p class="quiet">Nothing yet.</p>')
