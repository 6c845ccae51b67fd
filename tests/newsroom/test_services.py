"""Threads and comments: anchors, quotes, replies, resolving, editing and deleting."""

import pytest

from newsroom import selectors, services
from newsroom.models import Anchor, Comment, CommentEdit, InboxItem, Thread
from stories.models import Story
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_thread_is_anchored_to_a_citation_a_section_a_faq_item_or_the_story(desk):
    story = desk["story"]
    citation = story.citations.first()
    section = story.sections.first()
    faq = story.faq_items.first()
    by = desk["editor"]
    on_story = services.thread_start(story=story, by=by, body="Overall: good.")
    on_citation = services.thread_start(
        story=story, by=by, body="Source?", anchor=f"citation:{citation.pk}"
    )
    on_section = services.thread_start(
        story=story, by=by, body="Hm.", anchor=f"section:{section.pk}", quote="Text for"
    )
    on_faq = services.thread_start(story=story, by=by, body="Q?", anchor=f"faq:{faq.pk}")
    assert on_story.anchor == Anchor.STORY and on_story.target == "story"
    assert on_citation.target == f"citation:{citation.pk}"
    assert on_section.anchor_id == section.pk and on_section.quote == "Text for"
    assert on_faq.target == f"faq:{faq.pk}"


def test_a_part_of_another_story_is_refused(desk):
    foreign = factories.story(by=desk["author"], citations=1).citations.first()
    with pytest.raises(services.CommentRefused, match="not in this story"):
        services.thread_start(
            story=desk["story"], by=desk["editor"], body="x", anchor=f"citation:{foreign.pk}"
        )
    assert not Thread.objects.exists()


def test_commenting_does_not_bump_the_story_version(desk):
    story = desk["story"]
    before = Story.objects.values_list("version", "rendition", "updated_at").get(pk=story.pk)
    thread = services.thread_start(story=story, by=desk["editor"], body="A note", blocking=True)
    services.comment_reply(thread=thread, by=desk["author"], body="Fixed")
    services.thread_resolve(thread=thread, by=desk["editor"])
    after = Story.objects.values_list("version", "rendition", "updated_at").get(pk=story.pk)
    assert before == after


def test_a_quote_whose_text_changed_reads_text_changed_since(desk):
    story = desk["story"]
    section = story.sections.first()
    services.thread_start(
        story=story,
        by=desk["editor"],
        body="Careful",
        anchor=f"section:{section.pk}",
        quote=section.body[:8],
    )
    assert not selectors.story_threads(story=story)[0].quote_changed
    type(section).objects.filter(pk=section.pk).update(body="Entirely new words.")
    (thread,) = selectors.story_threads(story=story)
    assert thread.quote_changed and thread.quote == "Text for"


def test_only_the_author_edits_or_deletes_and_history_is_kept(desk):
    thread = services.thread_start(story=desk["story"], by=desk["editor"], body="First")
    comment = thread.comments.get()
    with pytest.raises(services.CommentForbidden):
        services.comment_edit(comment=comment, by=desk["author"], body="Hijack")
    with pytest.raises(services.CommentForbidden):
        services.comment_delete(comment=comment, by=desk["author"])
    services.comment_edit(comment=comment, by=desk["editor"], body="Second")
    services.comment_delete(comment=comment, by=desk["editor"])
    comment = Comment.objects.get(pk=comment.pk)
    assert comment.deleted_at and comment.body == "Second"
    assert list(CommentEdit.objects.values_list("action", "body")) == [
        ("edit", "First"),
        ("delete", "Second"),
    ]


def test_resolving_needs_the_permission_to_edit_the_story(desk):
    thread = services.thread_start(story=desk["story"], by=desk["author"], body="Note")
    with pytest.raises(services.CommentForbidden, match="edit the story"):
        services.thread_resolve(thread=thread, by=desk["colleague"])
    resolved = services.thread_resolve(thread=thread, by=desk["author"])
    assert resolved.resolved_by == desk["author"]
    reopened = services.thread_reopen(thread=thread, by=desk["editor"])
    assert reopened.resolved_at is None


def test_a_reply_reaches_the_threads_earlier_participants(desk):
    thread = services.thread_start(story=desk["story"], by=desk["editor"], body="Why?")
    services.comment_reply(thread=thread, by=desk["author"], body="Because.")
    items = InboxItem.objects.filter(user=desk["editor"], kind="reply")
    assert [i.text for i in items] == ["Because."]
    assert not InboxItem.objects.filter(user=desk["author"]).exists()


def test_empty_comments_are_refused(desk):
    with pytest.raises(services.CommentRefused, match="Write a comment"):
        services.thread_start(story=desk["story"], by=desk["editor"], body="   ")


def test_comment_markdown_is_sanitised_like_story_text(desk, client):
    services.thread_start(
        story=desk["story"],
        by=desk["editor"],
        body='**Bold** <script>alert(1)</script> <a href="javascript:x()">x</a>',
    )
    client.force_login(desk["author"])  # not its author: no edit box with the raw text
    html = client.get(f"/admin/newsroom/stories/{desk['story'].pk}/panel/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html
