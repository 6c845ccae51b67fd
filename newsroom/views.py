"""The newsroom's edges: the story page's discussion panel and its actions, @mention
autocomplete, presence heartbeats, the inbox and the public preview page. Each parses input,
calls a service or a selector and shapes the answer."""

import hmac

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from reversion.models import Revision

from newsroom import presence as presence_store
from newsroom import selectors, services
from newsroom.models import Comment, PreviewLink, Thread
from stories import permissions, revisions
from stories import selectors as story_selectors
from stories.models import Story

FETCH_HEADER = "HTTP_X_NEWSROOM"


def _story_or_404(request, story_id: int) -> Story:
    story = get_object_or_404(Story.objects.select_related("template"), pk=story_id)
    if not permissions.story_can_view(request.user, story):
        raise Http404("No such story.")
    return story


def _panel(request, story: Story, *, status: int = 200, **extra):
    threads = selectors.story_threads(story=story)
    context = {
        "story": story,
        "threads": threads,
        "open_count": sum(1 for t in threads if t.is_open),
        "anchors": selectors.story_anchors(story=story),
        "may_resolve": permissions.thread_can_resolve(request.user, story),
        "may_preview": permissions.preview_can_create(request.user, story),
        "preview_links": selectors.story_preview_links(story=story),
        "preview_hours": settings.NEWSDESK_PREVIEW_HOURS,
        "preview_max_hours": settings.NEWSDESK_PREVIEW_MAX_HOURS,
        "now": timezone.now(),
        **extra,
    }
    return render(request, "newsroom/_panel.html", context, status=status)


def _answer(request, story: Story, step, *, done: str):
    """Run a service; answer the panel's script with the panel (or the refusal), and a plain
    form post with a redirect back to the story page."""
    fetch = request.META.get(FETCH_HEADER) == "1"
    try:
        extra = step() or {}
    except services.CommentRefused as refused:
        if fetch:
            return JsonResponse({"error": str(refused)}, status=403 if refused.forbidden else 400)
        messages.error(request, str(refused))
    else:
        if fetch:
            return _panel(request, story, **extra)
        messages.success(request, done)
    return redirect(reverse("admin:stories_story_change", args=[story.pk]) + "#discussion")


@staff_member_required
@never_cache
@require_GET
def story_panel(request, story_id: int):
    return _panel(request, _story_or_404(request, story_id))


@staff_member_required
@require_POST
def thread_create(request, story_id: int):
    story = _story_or_404(request, story_id)
    return _answer(
        request,
        story,
        lambda: (
            services.thread_start(
                story=story,
                by=request.user,
                body=request.POST.get("newsroom_body", ""),
                anchor=request.POST.get("newsroom_anchor", "story"),
                quote=request.POST.get("newsroom_quote", ""),
                blocking=request.POST.get("newsroom_blocking") == "on",
            )
            and None
        ),
        done="Comment added.",
    )


def _thread(request, thread_id: int) -> Thread:
    thread = get_object_or_404(Thread.objects.select_related("story"), pk=thread_id)
    if not permissions.story_can_view(request.user, thread.story):
        raise Http404("No such thread.")
    return thread


def _comment(request, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("thread__story"), pk=comment_id)
    if not permissions.story_can_view(request.user, comment.thread.story):
        raise Http404("No such comment.")
    return comment


@staff_member_required
@require_POST
def thread_reply(request, thread_id: int):
    thread = _thread(request, thread_id)
    body = request.POST.get(f"newsroom_reply_{thread.pk}", request.POST.get("newsroom_body", ""))
    return _answer(
        request,
        thread.story,
        lambda: services.comment_reply(thread=thread, by=request.user, body=body) and None,
        done="Reply added.",
    )


@staff_member_required
@require_POST
def thread_resolve(request, thread_id: int):
    thread = _thread(request, thread_id)
    return _answer(
        request,
        thread.story,
        lambda: services.thread_resolve(thread=thread, by=request.user) and None,
        done="Thread resolved.",
    )


@staff_member_required
@require_POST
def thread_reopen(request, thread_id: int):
    thread = _thread(request, thread_id)
    return _answer(
        request,
        thread.story,
        lambda: services.thread_reopen(thread=thread, by=request.user) and None,
        done="Thread reopened.",
    )


@staff_member_required
@require_POST
def comment_edit(request, comment_id: int):
    comment = _comment(request, comment_id)
    body = request.POST.get(f"newsroom_edit_{comment.pk}", request.POST.get("newsroom_body", ""))
    return _answer(
        request,
        comment.thread.story,
        lambda: services.comment_edit(comment=comment, by=request.user, body=body) and None,
        done="Comment changed.",
    )


@staff_member_required
@require_POST
def comment_delete(request, comment_id: int):
    comment = _comment(request, comment_id)
    return _answer(
        request,
        comment.thread.story,
        lambda: services.comment_delete(comment=comment, by=request.user) and None,
        done="Comment deleted.",
    )


@staff_member_required
@require_GET
def mention_users(request, story_id: int):
    story = _story_or_404(request, story_id)
    prefix = request.GET.get("q", "").strip().lstrip("@")[:50]
    users = [
        user
        for user in selectors.staff_named(prefix=prefix)
        if permissions.story_can_view(user, story)
    ][:10]
    return JsonResponse(
        {
            "users": [
                {"username": u.get_username(), "name": u.get_full_name() or u.get_username()}
                for u in users
            ]
        }
    )


@staff_member_required
@require_POST
def presence(request, story_id: int):
    story = _story_or_404(request, story_id)
    if request.POST.get("leave"):
        presence_store.presence_leave(story_id=story.pk, user=request.user)
        return JsonResponse({"others": []})
    others = presence_store.presence_beat(
        story_id=story.pk, user=request.user, section=request.POST.get("section", "")
    )
    return JsonResponse({"others": others, "every": settings.NEWSDESK_PRESENCE_BEAT_SECONDS})


@staff_member_required
@require_POST
def preview_create(request, story_id: int):
    story = _story_or_404(request, story_id)

    def create():
        try:
            hours = int(request.POST.get("newsroom_preview_hours") or 0) or None
        except ValueError as error:
            raise services.CommentRefused("Give the link's lifetime in hours.") from error
        link, token = services.preview_link_create(
            story=story,
            by=request.user,
            hours=hours,
            lock_version=request.POST.get("newsroom_preview_lock") == "on",
            note=request.POST.get("newsroom_preview_note", ""),
        )
        url = request.build_absolute_uri(reverse("newsroom-preview", args=[link.pk, token]))
        messages.info(request, f"Preview link (shown once): {url}")
        return {"new_link_url": url}

    return _answer(request, story, create, done="Preview link created.")


@staff_member_required
@require_POST
def preview_revoke(request, link_id: int):
    link = get_object_or_404(PreviewLink.objects.select_related("story"), pk=link_id)
    if not permissions.story_can_view(request.user, link.story):
        raise Http404("No such link.")
    return _answer(
        request,
        link.story,
        lambda: services.preview_link_revoke(link=link, by=request.user) and None,
        done="Preview link revoked.",
    )


@staff_member_required
@never_cache
@require_GET
def inbox(request):
    items = selectors.inbox_items(user=request.user)
    unread = sum(1 for item in items if item.read_at is None)
    context = {
        **_admin_context(request),
        "title": f"Newsroom inbox ({unread} unread)",
        "items": items,
        "unread": unread,
    }
    return render(request, "newsroom/inbox.html", context)


def _admin_context(request) -> dict:
    return admin.site.each_context(request)


@staff_member_required
@require_POST
def inbox_read(request):
    ids = [int(pk) for pk in request.POST.getlist("item") if pk.isdigit()]
    services.inbox_mark_read(user=request.user, item_ids=ids or None)
    return redirect("newsroom:inbox")


@staff_member_required
@never_cache
@require_GET
def inbox_count(request):
    return JsonResponse({"unread": selectors.inbox_unread_count(user=request.user)})


# --- The public preview page ------------------------------------------------------------------


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _throttled(request) -> bool:
    """Too many wrong tokens from this address lately: guessing is slowed to a crawl."""
    key = f"newsroom:preview-misses:{_client_address(request)}"
    return (cache.get(key) or 0) >= settings.NEWSDESK_PREVIEW_MISSES_PER_HOUR


def _missed(request) -> None:
    key = f"newsroom:preview-misses:{_client_address(request)}"
    if cache.add(key, 1, 3600):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def preview_page(request, link_id: int, token: str):
    """A draft as readers would see it, for someone without an account; 410 once expired or
    revoked. A wrong token looks like a missing link, and many of them get throttled."""
    if _throttled(request):
        response = render(request, "newsroom/preview_gone.html", {"throttled": True}, status=429)
        response["Retry-After"] = "3600"
        return _private(response)
    link = PreviewLink.objects.select_related("story").filter(pk=link_id).first()
    expected = link.token_hash if link else "0" * 64
    if not hmac.compare_digest(expected, services.preview_token_hash(token)) or link is None:
        _missed(request)
        raise Http404("No such preview.")
    if not link.is_live():
        reason = "revoked" if link.revoked_at else "expired"
        response = render(request, "newsroom/preview_gone.html", {"reason": reason}, status=410)
        return _private(response)
    services.preview_link_opened(
        link=link,
        address=request.META.get("REMOTE_ADDR"),
        agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    if link.revision_id:
        context = _locked_version(link)
    else:
        story = story_selectors.story_with_parts(Story.objects.filter(pk=link.story_id)).get()
        context = {
            "story": story,
            "sections": story_selectors.story_sections_with_items(story),
            "authors": [b.user for b in story.byline_links.all()],
        }
    context["link"] = link
    return _private(render(request, "newsroom/preview.html", context))


def _locked_version(link: PreviewLink) -> dict:
    """The story as the locked version's revision stored it, parts and all."""
    objects = revisions.revision_objects(Revision.objects.get(pk=link.revision_id))
    by_model = {model.__name__: objs for model, objs in objects.items()}
    story = by_model["Story"][link.story_id].object
    sections = sorted(
        (v.object for v in by_model.get("StorySection", {}).values()), key=lambda s: (s.order, s.pk)
    )
    citations = sorted(
        (v.object for v in by_model.get("Citation", {}).values()), key=lambda c: (c.order, c.pk)
    )
    faq = sorted(
        (v.object for v in by_model.get("FAQItem", {}).values()), key=lambda f: (f.order, f.pk)
    )
    first = next((s for s in sections if s.kind == "citations"), None)
    shown = []
    for section in sections:
        items = []
        if section.kind == "citations":
            items = [
                c
                for c in citations
                if c.section_id == section.pk or (c.section_id is None and section is first)
            ]
        elif section.kind == "faq":
            items = faq
        if section.body_html or items:
            shown.append({"section": section, "items": items})
    return {"story": story, "sections": shown, "authors": []}
