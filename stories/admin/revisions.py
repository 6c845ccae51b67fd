"""The story page's history: revisions (list, compare, restore) and deleted stories (list,
recover). A mixin of `StoryAdmin` (`stories/admin/story.py`), which routes to these views.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from reversion.models import Version

from stories import permissions, revisions, services, workflow
from stories.admin.wording import when
from stories.models import (
    Story,
)


class StoryRevisionViews:
    """Revisions of one story, and the deleted stories an editor can bring back."""

    def revisions_view(self, request, object_id):
        story = self._story_or_404(request, object_id)
        versions = list(revisions.story_versions(story))
        return self._page(
            request,
            "admin/stories/story/revisions.html",
            story,
            title=f"Revisions of “{story}”",
            versions=versions,
            can_restore=permissions.story_can_edit(request.user, story),
        )

    def revision_compare_view(self, request, object_id):
        story = self._story_or_404(request, object_id)
        versions = revisions.story_versions(story)
        chosen = [request.GET.get("from"), request.GET.get("to")]
        if not all(chosen):
            latest = list(versions[:2])
            if len(latest) < 2:
                messages.info(request, "There is only one revision: nothing to compare yet.")
                return HttpResponseRedirect(
                    reverse("admin:stories_story_revisions", args=[story.pk])
                )
            chosen = [latest[1].pk, latest[0].pk]
        try:
            older = get_object_or_404(versions, pk=int(chosen[0]))
            newer = get_object_or_404(versions, pk=int(chosen[1]))
        except ValueError:
            raise Http404("Pick two revisions of this story.") from None
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        return self._page(
            request,
            "admin/stories/story/revision_compare.html",
            story,
            title=f"What changed in “{story}”",
            older=older,
            newer=newer,
            changes=revisions.revision_changes(older, newer),
            can_restore=permissions.story_can_edit(request.user, story),
        )

    def revision_restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, object_id)
        version = get_object_or_404(revisions.story_versions(story), pk=version_id)
        try:
            services.story_restore_revision(story=story, version=version, by=request.user)
        except workflow.TransitionForbidden as refused:
            raise PermissionDenied(str(refused)) from refused
        except workflow.TransitionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"Restored the revision of {when(version.revision.date_created)}. The text "
                "before it is kept as a revision too.",
            )
        return HttpResponseRedirect(reverse("admin:stories_story_change", args=[story.pk]))

    def _can_recover(self, request) -> bool:
        return permissions.is_editor(request.user) and request.user.has_perm("stories.delete_story")

    def deleted_view(self, request):
        if not self._can_recover(request):
            raise PermissionDenied
        return self._page(
            request,
            "admin/stories/story/deleted.html",
            None,
            title="Deleted stories",
            versions=revisions.deleted_story_versions(),
        )

    def recover_view(self, request, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self._can_recover(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(Story), pk=version_id)
        try:
            story = services.story_recover(version=version, by=request.user)
        except workflow.WorkflowError as refused:
            messages.error(request, str(refused))
            return HttpResponseRedirect(reverse("admin:stories_story_deleted"))
        messages.success(request, f"“{story}” is back, as {story.get_status_display().lower()}.")
        return HttpResponseRedirect(reverse("admin:stories_story_change", args=[story.pk]))
