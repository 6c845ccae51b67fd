"""Revisions, restoring, recovering deleted stories, and saves that would overwrite someone."""

import pytest
from django.urls import reverse
from reversion.models import Version

from sources.models import Citation
from stories import revisions, services, workflow
from stories.models import FAQItem, Story, StoryEntity, StorySection
from tests import factories
from tests.stories.test_admin import _form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    author = factories.journalist(username="jo", first_name="Jo", last_name="Reporter")
    editor = factories.editor(username="eddie", first_name="Eddie", last_name="Desk")
    story = factories.story(
        by=author, citations=2, faq=1, entities=1, headline="Missiles over the sea"
    )
    return {"author": author, "editor": editor, "story": story}


def models_in(version):
    return sorted(
        {v.content_type.model for v in version.revision.version_set.select_related("content_type")}
    )


def save_in_admin(client, story, **changes):
    data = _form_data(client.get(change_url(story)))
    data.update(changes)
    return client.post(change_url(story), data)


def test_every_admin_save_stores_a_revision_with_all_the_parts(client, desk):
    client.force_login(desk["author"])
    before = revisions.story_versions(desk["story"]).count()
    assert save_in_admin(client, desk["story"], **{"sections-0-body": "New"}).status_code == 302
    versions = revisions.story_versions(desk["story"])
    assert versions.count() == before + 1
    latest = versions.first()
    assert latest.revision.user == desk["author"]
    assert "“What's happened”" in latest.revision.comment
    assert models_in(latest) == [
        "byline",
        "citation",
        "faqitem",
        "story",
        "storyentity",
        "storysection",
    ]


def test_a_save_that_changes_nothing_stores_no_revision_and_keeps_the_version(client, desk):
    client.force_login(desk["author"])
    version = desk["story"].version
    count = revisions.story_versions(desk["story"]).count()
    assert save_in_admin(client, desk["story"]).status_code == 302
    assert Story.objects.get(pk=desk["story"].pk).version == version
    assert revisions.story_versions(desk["story"]).count() == count


def test_the_admin_compares_two_revisions_section_by_section(client, desk):
    story = desk["story"]
    client.force_login(desk["author"])
    save_in_admin(
        client,
        story,
        headline="Missiles over the Sea of Japan",
        **{"sections-0-body": "North Korea fired two missiles on Tuesday."},
    )
    save_in_admin(
        client,
        story,
        **{
            "sections-0-body": "North Korea fired three missiles on Tuesday.",
            "citations-0-claim": "A new claim.",
        },
    )
    listing = client.get(reverse("admin:stories_story_revisions", args=[story.pk]))
    assert listing.status_code == 200 and listing.content.decode().count('name="from"') == 3
    # By default: the two latest revisions.
    page = client.get(
        reverse("admin:stories_story_revision_compare", args=[story.pk])
    ).content.decode()
    assert "What&#x27;s happened" in page
    assert "North Korea fired <del>two</del><ins>three</ins> missiles on Tuesday." in page
    assert "<del>Claim number 0</del><ins>A new claim</ins>." in page
    assert "Go deeper" not in page and "Headline" not in page  # unchanged: not listed
    saves = list(revisions.story_versions(story))
    page = client.get(
        reverse("admin:stories_story_revision_compare", args=[story.pk]),
        {"from": saves[0].pk, "to": saves[1].pk},  # either order: older → newer
    ).content.decode()
    assert "Missiles over the <ins>Sea of Japan</ins>" not in page
    assert "<del>two</del><ins>three</ins>" in page


def test_word_diff_marks_removed_and_added_words_and_escapes_html():
    html = revisions.word_diff("fired two <b>missiles</b>", "fired three <b>missiles</b>")
    assert html == "fired <del>two</del><ins>three</ins> &lt;b&gt;missiles&lt;/b&gt;"
    assert revisions.word_diff("Claim number 0.", "A new claim.") == (
        "<del>Claim number 0</del><ins>A new claim</ins>."
    )
    assert revisions.word_diff("", "Added.") == "<ins>Added.</ins>"


def test_restoring_a_revision_brings_back_text_and_parts_and_keeps_the_present(client, desk):
    story = desk["story"]
    client.force_login(desk["author"])
    original_sections = list(story.sections.values_list("key", "body"))
    original_citations = sorted(story.citations.values_list("claim", flat=True))
    first = revisions.story_versions(story).first()
    assert first is not None
    # A later save rewrites a section, deletes a citation and the FAQ item.
    services.story_record_change(story=story, by=desk["author"])
    first = revisions.story_versions(story).first()
    data = _form_data(client.get(change_url(story)))
    data.update(
        {"sections-0-body": "Rewritten.", "citations-1-DELETE": "on", "faq_items-0-DELETE": "on"}
    )
    assert client.post(change_url(story), data).status_code == 302
    assert story.citations.count() == 1 and not FAQItem.objects.filter(story=story).exists()
    rewritten = revisions.story_versions(story).first()

    response = client.post(
        reverse("admin:stories_story_revision_restore", args=[story.pk, first.pk])
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert list(story.sections.values_list("key", "body")) == original_sections
    assert sorted(story.citations.values_list("claim", flat=True)) == original_citations
    assert FAQItem.objects.filter(story=story).count() == 1
    assert story.status == "draft"
    # The rewritten text is still there to go back to.
    newest = list(revisions.story_versions(story)[:2])
    number = revisions.version_number(first)
    assert newest[0].revision.comment.startswith(f"Restored version {number} (saved ")
    assert newest[1].revision.comment == f"Before restoring version {number}."
    assert newest[1].revision_id != rewritten.revision_id
    stored = revisions.revision_objects(newest[1].revision)
    assert stored[StorySection][story.sections.first().pk].object.body == "Rewritten."


def test_restoring_keeps_workflow_state_and_published_slug(desk):
    story = desk["story"]
    first = revisions.story_versions(story).first()
    Story.objects.filter(pk=story.pk).update(slug="published-slug", headline="Later")
    workflow.story_submit(story=story, by=desk["author"])
    workflow.story_publish(story=story, by=desk["editor"])
    story.refresh_from_db()
    story = services.story_restore_revision(story=story, version=first, by=desk["editor"])
    assert (story.status, story.slug, story.headline) == (
        "published",
        "published-slug",
        "Missiles over the sea",
    )


def test_journalists_cannot_restore_a_published_story(client, desk):
    story = desk["story"]
    first = revisions.story_versions(story).first()
    Story.objects.filter(pk=story.pk).update(status="published")
    client.force_login(desk["author"])
    url = reverse("admin:stories_story_revision_restore", args=[story.pk, first.pk])
    assert client.post(url).status_code == 403


# --- No lost edits -----------------------------------------------------------------------------


def test_of_two_stale_saves_exactly_one_wins_and_the_other_sees_its_text_again(client, desk):
    story = desk["story"]
    loaded_version = story.version
    client.force_login(desk["author"])
    author_form = _form_data(client.get(change_url(story)))
    client.force_login(desk["editor"])
    editor_form = _form_data(client.get(change_url(story)))

    editor_form["sections-0-body"] = "The editor's version."
    assert client.post(change_url(story), editor_form).status_code == 302

    client.force_login(desk["author"])
    author_form["sections-0-body"] = "The author's version, typed at the same time."
    response = client.post(change_url(story), author_form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Eddie Desk changed this story at" in page
    assert "Nothing was saved" in page
    assert "The author&#x27;s version, typed at the same time." in page
    story.refresh_from_db()
    assert story.sections.first().body == "The editor's version."
    assert story.version == loaded_version + 1


def test_a_stale_inline_citation_edit_is_refused_too(client, desk):
    story = desk["story"]
    client.force_login(desk["author"])
    first = _form_data(client.get(change_url(story)))
    second = _form_data(client.get(change_url(story)))
    first["citations-0-claim"] = "Claim from the first tab."
    assert client.post(change_url(story), first).status_code == 302
    second["citations-0-claim"] = "Claim from the second tab."
    response = client.post(change_url(story), second)
    assert response.status_code == 200 and "changed this story" in response.content.decode()
    assert "Claim from the second tab." in response.content.decode()
    claims = set(Citation.objects.filter(story=story).values_list("claim", flat=True))
    assert "Claim from the first tab." in claims and "Claim from the second tab." not in claims


def test_a_workflow_step_makes_open_forms_stale(client, desk):
    story = desk["story"]
    client.force_login(desk["author"])
    form = _form_data(client.get(change_url(story)))
    workflow.story_submit(story=story, by=desk["author"])
    form["headline"] = "Edited after it went to review"
    response = client.post(change_url(story), form)
    # Not a bare 403: the journalist gets the conflict and their text back.
    assert response.status_code == 200
    page = response.content.decode()
    assert "(submitted for review)" in page and "Edited after it went to review" in page
    assert Story.objects.get(pk=story.pk).headline == "Missiles over the sea"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_saves_on_postgresql_exactly_one_wins(desk):
    """Two threads post the same stale form at once; the row lock lets exactly one through."""
    import threading

    from django.db import connections
    from django.test import Client

    story = desk["story"]
    loaded_version = story.version
    forms, results = [], []
    for user in (desk["author"], desk["editor"]):
        client = Client()
        client.force_login(user)
        forms.append((client, _form_data(client.get(change_url(story)))))
    barrier = threading.Barrier(2)

    def save(client, data, text):
        data = {**data, "sections-0-body": text}
        barrier.wait()
        try:
            results.append((client.post(change_url(story), data).status_code, text))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(client, data, f"Text {i}"))
        for i, (client, data) in enumerate(forms)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(code for code, _ in results) == [200, 302]
    winner = next(text for code, text in results if code == 302)
    story.refresh_from_db()
    assert story.sections.first().body == winner
    assert story.version == loaded_version + 1


# --- Deleting and recovering -------------------------------------------------------------------


def test_deleting_is_for_editors_only(client, desk):
    story = desk["story"]
    client.force_login(desk["author"])
    delete_url = reverse("admin:stories_story_delete", args=[story.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Story.objects.filter(pk=story.pk).exists()
    with pytest.raises(workflow.TransitionForbidden):
        services.story_delete(story=story, by=desk["author"])


def test_a_published_story_must_be_withdrawn_before_it_is_deleted(desk):
    story = desk["story"]
    Story.objects.filter(pk=story.pk).update(status="published")
    with pytest.raises(workflow.TransitionRefused, match="Withdraw"):
        services.story_delete(story=story, by=desk["editor"])


def test_a_deleted_story_comes_back_with_all_its_parts(client, desk):
    story = desk["story"]
    pk, slug = story.pk, story.slug
    sections = list(story.sections.values_list("key", "body"))
    Story.objects.filter(pk=pk).update(status="in_review")
    workflow.story_request_changes(story=story, by=desk["editor"], comment="Redo.")
    client.force_login(desk["editor"])
    assert (
        client.post(reverse("admin:stories_story_delete", args=[pk]), {"post": "yes"}).status_code
        == 302
    )
    assert not Story.objects.filter(pk=pk).exists()

    listing = client.get(reverse("admin:stories_story_deleted"))
    assert "Missiles over the sea" in listing.content.decode()
    version = Version.objects.get_deleted(Story).get(object_id=str(pk))
    response = client.post(reverse("admin:stories_story_recover", args=[version.pk]))
    assert response.status_code == 302
    story = Story.objects.get(pk=pk)
    assert (story.slug, story.status) == (slug, "draft")
    assert list(story.sections.values_list("key", "body")) == sections
    assert story.citations.count() == 2
    assert FAQItem.objects.filter(story=story).count() == 1
    assert StoryEntity.objects.filter(story=story).count() == 1
    assert list(story.bylines.all()) == [desk["author"]]
    assert story.transitions.latest("id").action == "recover"
    client.force_login(desk["author"])
    assert client.get(reverse("admin:stories_story_deleted")).status_code == 403


def test_restoring_keeps_what_the_fetcher_knows_about_each_link_now(desk):
    story = desk["story"]
    citation = story.citations.first()
    Citation.objects.filter(pk=citation.pk).update(
        url="https://example.org/a", link_status="pending"
    )
    revisions.story_save_revision(story=story, by=desk["editor"])
    first = revisions.story_versions(story).first()
    Citation.objects.filter(pk=citation.pk).update(link_status="gone", quote_check="verified")
    story = services.story_restore_revision(story=story, version=first, by=desk["editor"])
    citation.refresh_from_db()
    assert (citation.url, citation.link_status, citation.quote_check) == (
        "https://example.org/a",
        "gone",
        "verified",
    )


def test_restoring_an_older_url_fetches_it_again(desk, django_capture_on_commit_callbacks):
    story = desk["story"]
    citation = story.citations.first()
    Citation.objects.filter(pk=citation.pk).update(
        url="https://example.org/old", link_status="fetched"
    )
    revisions.story_save_revision(story=story, by=desk["editor"])
    first = revisions.story_versions(story).first()
    Citation.objects.filter(pk=citation.pk).update(
        url="https://example.org/new", link_status="fetched"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        services.story_restore_revision(story=story, version=first, by=desk["editor"])
    citation.refresh_from_db()
    assert (citation.url, citation.link_status) == ("https://example.org/old", "pending")
    assert callbacks, "the restored URL is queued for fetching after commit"


def test_revisions_are_named_by_the_story_version_people_see_not_reversion_ids(client, desk):
    story, editor = desk["story"], desk["editor"]
    # Other stories' revisions push reversion's ids well past the story's own versions.
    for _ in range(3):
        factories.story(by=desk["author"])
    services.story_record_change(story=story, by=desk["author"])
    story.refresh_from_db()
    newest, older = list(revisions.story_versions(story)[:2])
    assert revisions.version_number(newest) == story.version
    assert revisions.version_number(older) == story.version - 1
    assert newest.revision_id != story.version
    client.force_login(editor)

    listing = client.get(reverse("admin:stories_story_revisions", args=[story.pk]))
    html = listing.content.decode()
    assert "<th>Version</th>" in html
    assert f"<td>{story.version}</td>" in html
    assert f"<td>{newest.revision_id}</td>" not in html
    assert f"Restore version {story.version - 1}</button>" in html

    compare = client.get(
        reverse("admin:stories_story_revision_compare", args=[story.pk]),
        {"from": older.pk, "to": newest.pk},
    ).content.decode()
    assert f"From version {story.version - 1} (saved " in compare
    assert f"to version {story.version} (saved " in compare
    assert "#" + str(newest.revision_id) not in compare
    assert f"Restore version {story.version - 1}</button>" in compare


def _faq_revision(story, items: list[tuple[int, str, str]]):
    """Store a revision in which the story's FAQ rows hold these (row, question, answer)."""
    keep = [row for row, _, _ in items]
    FAQItem.objects.filter(story=story).exclude(pk__in=keep).delete()
    for order, (row, question, answer) in enumerate(items):
        FAQItem.objects.update_or_create(
            pk=row,
            defaults={"story": story, "question": question, "answer": answer, "order": order},
        )
    revisions.story_save_revision(story=story)
    return revisions.story_versions(story).first()


def test_compare_matches_faq_items_by_question_not_by_row(desk):
    story = desk["story"]
    FAQItem.objects.filter(story=story).delete()
    first = FAQItem.objects.create(story=story, question="q", answer="a", order=0).pk
    second = FAQItem.objects.create(story=story, question="q", answer="a", order=1).pk
    older = _faq_revision(
        story,
        [
            (first, "When did it start?", "On Tuesday."),
            (second, "Who took part?", "The army."),
        ],
    )
    # An update that rewrote the rows in order: the first row now holds the second question.
    newer = _faq_revision(
        story,
        [
            (first, "Who took part?", "The army and the navy."),
            (second, "What happens next?", "More drills."),
        ],
    )
    changes = [c for c in revisions.revision_changes(older, newer) if c.group == "FAQ items"]
    by_label = {(c.label, c.kind): str(c.diff) for c in changes}
    assert set(by_label) == {
        ("Who took part?", "changed"),
        ("When did it start?", "removed"),
        ("What happens next?", "added"),
    }
    assert by_label[("Who took part?", "changed")] == (
        "Who took part?\nThe army<ins> and the navy</ins>."
    )
    assert "Tuesday" not in by_label[("Who took part?", "changed")]


def test_compare_still_pairs_a_faq_item_whose_question_was_edited_in_place(desk):
    story = desk["story"]
    FAQItem.objects.filter(story=story).delete()
    row = FAQItem.objects.create(story=story, question="q", answer="a", order=0).pk
    older = _faq_revision(story, [(row, "When did the drills start?", "On Tuesday.")])
    newer = _faq_revision(story, [(row, "When did the drills begin?", "On Tuesday.")])
    changes = [c for c in revisions.revision_changes(older, newer) if c.group == "FAQ items"]
    assert [(c.label, c.kind) for c in changes] == [("When did the drills begin?", "changed")]
