"""The write contract: every edit, from any edge, is one service call that counts the change
once (version, revision, change log, outbox) and respects who may make it."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from partners.models import ChangeEvent, Partner, WebhookDelivery
from sources.models import Citation
from stories import services, workflow
from stories.models import Byline, Story, StoryStatus, StoryTransition
from tests import factories
from tests.stories.test_admin import _form_data

pytestmark = pytest.mark.django_db

# The add page's part inlines, posted empty as a browser would.
NO_PARTS_YET = {
    f"{prefix}-{name}": value
    for prefix in ("citations", "faq_items", "entity_links", "pictures")
    for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
}


def change_url(story):
    return reverse("admin:stories_story_change", args=[story.pk])


@pytest.fixture
def desk(db):
    author = factories.journalist(username="jo")
    return {
        "author": author,
        "other": factories.journalist(username="kim"),
        "editor": factories.editor(username="eddie"),
        "story": factories.story(by=author, citations=2, headline="Missiles over the sea"),
    }


def published(story, editor):
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.IN_REVIEW)
    return workflow.story_publish(story=Story.objects.get(pk=story.pk), by=editor)


def revisions_of(story):
    return Version.objects.get_for_object(story).count()


# --- Drafts save while incomplete ---------------------------------------------------------


def test_a_headline_only_draft_saves_from_the_admin_and_lists_what_is_missing(
    client, desk, explainer_template
):
    client.force_login(desk["author"])
    response = client.post(
        reverse("admin:stories_story_add"),
        {
            **NO_PARTS_YET,
            "headline": "Only a headline",
            "template": explainer_template.pk,
            "language": "en",
        },
        follow=True,
    )
    story = Story.objects.get(headline="Only a headline")
    assert story.slug == "only-a-headline" and story.status == StoryStatus.DRAFT
    assert response.redirect_chain[-1][0] == change_url(story)
    # Saving it again with every section still empty is a save, not a refusal.
    data = _form_data(response)
    data["summary"] = "Still no sections."
    saved = client.post(change_url(story), {**data, "_continue": "Save"})
    assert saved.status_code == 302
    assert Story.objects.get(pk=story.pk).summary == "Still no sections."
    page = client.get(change_url(story)).content.decode()
    assert "What&#x27;s happened" in page and "required" in page.lower()
    listing = client.get(reverse("admin:stories_story_changelist")).content.decode()
    assert "Only a headline" in listing


# --- Edits to published stories -----------------------------------------------------------


def test_an_edit_to_a_live_story_needs_confirming_and_keeps_the_typed_text(client, desk):
    story = published(desk["story"], desk["editor"])
    version = story.version
    client.force_login(desk["editor"])
    data = _form_data(client.get(change_url(story)))
    data["headline"] = "Missiles over the sea, again"
    response = client.post(change_url(story), {**data, "_continue": "Save"})
    assert response.status_code == 200  # shown again, not saved
    page = response.content.decode()
    assert "Tick “Update the live story”" in page
    assert "Missiles over the sea, again" in page  # the typed text is still there
    story.refresh_from_db()
    assert story.headline == "Missiles over the sea" and story.version == version


def test_a_confirmed_live_update_is_counted_once_and_told_to_partners(client, desk):
    Partner.objects.create(name="Wire", webhook_url="https://partner.invalid/hook")
    story = published(desk["story"], desk["editor"])
    before_revisions = revisions_of(story)
    before_events = ChangeEvent.objects.filter(story=story).count()
    client.force_login(desk["editor"])
    data = _form_data(client.get(change_url(story)))
    citation = story.citations.order_by("order").first()
    prefix = next(
        k
        for k, v in data.items()
        if k.startswith("citations-") and k.endswith("-id") and v == str(citation.pk)
    )
    data[prefix.replace("-id", "-claim")] = "A corrected claim."
    response = client.post(change_url(story), {**data, "update_live": "on", "_continue": "Save"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert Citation.objects.get(pk=citation.pk).claim == "A corrected claim."
    assert story.version == 3  # created 1, published 2, this edit 3
    assert revisions_of(story) == before_revisions + 1
    events = ChangeEvent.objects.filter(story=story)
    assert events.count() == before_events + 1
    assert events.latest("id").kind == "updated"
    assert WebhookDelivery.objects.filter(event=events.latest("id")).count() == 1
    live = StoryTransition.objects.get(story=story, action="update_live")
    assert live.by == desk["editor"] and "citations: 1 changed" in live.comment


def test_the_service_refuses_an_unconfirmed_live_update(desk):
    story = published(desk["story"], desk["editor"])
    with pytest.raises(services.LiveUpdateUnconfirmed):
        services.story_update(
            story=story,
            by=desk["editor"],
            changes=services.StoryChanges(fields={"summary": "New dek."}),
        )
    assert Story.objects.get(pk=story.pk).summary != "New dek."


# --- Four-eyes past approval and who edits --------------------------------------------------


@pytest.mark.parametrize("state", ["scheduled", "published"])
def test_an_editor_who_wrote_the_story_cannot_change_it_once_approved(client, desk, state):
    writer = factories.editor(username="ed-writer")
    Byline.objects.create(story=desk["story"], user=writer, order=1)
    story = desk["story"]
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.IN_REVIEW)
    if state == "scheduled":
        story = workflow.story_schedule(
            story=story, by=desk["editor"], publish_at=timezone.now() + dt.timedelta(hours=3)
        )
    else:
        story = workflow.story_publish(
            story=story, by=desk["editor"], embargo_until=timezone.now() + dt.timedelta(hours=3)
        )
    with pytest.raises(workflow.TransitionForbidden, match="four-eyes"):
        services.story_update(
            story=story,
            by=writer,
            changes=services.StoryChanges(fields={"summary": "Unreviewed."}),
            live_update=True,
        )
    client.force_login(writer)
    data = _form_data(client.get(change_url(story)))
    data["summary"] = "Unreviewed."
    response = client.post(change_url(story), {**data, "update_live": "on", "_continue": "Save"})
    assert response.status_code == 403
    assert Story.objects.get(pk=story.pk).summary != "Unreviewed."


def test_a_journalist_taken_off_the_byline_no_longer_edits_the_draft(desk):
    story = desk["story"]
    Byline.objects.filter(story=story, user=desk["author"]).delete()
    with pytest.raises(workflow.TransitionForbidden):
        services.story_update(
            story=story,
            by=desk["author"],
            changes=services.StoryChanges(fields={"summary": "Mine still?"}),
        )


def test_a_part_of_another_story_is_refused(desk):
    other = factories.story(by=desk["author"], citations=1)
    foreign = other.citations.first()
    foreign.claim = "Moved over."
    with pytest.raises(workflow.TransitionRefused, match="another story"):
        services.story_update(
            story=desk["story"],
            by=desk["author"],
            changes=services.StoryChanges(saved=[services.PartChange(part=foreign)]),
        )
    assert Citation.objects.get(pk=foreign.pk).claim != "Moved over."


# --- The demo goes through the same services ------------------------------------------------


def test_the_demo_publishes_through_the_workflow_so_partners_can_sync_from_zero(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    live = Story.objects.filter(status=StoryStatus.PUBLISHED)
    assert live.count() == 2
    for story in live:
        assert StoryTransition.objects.filter(story=story, action="publish_archived").exists()
        assert revisions_of(story) >= 2
    events = ChangeEvent.objects.filter(kind="published")
    assert sorted(events.values_list("slug", flat=True)) == sorted(s.slug for s in live)
    call_command("seed_demo", verbosity=0)  # idempotent: nothing announced twice
    assert ChangeEvent.objects.filter(kind="published").count() == 2


# --- Slugs -----------------------------------------------------------------------------------


def test_slugs_are_unique_whatever_their_case(client, desk, explainer_template):
    from django.db import IntegrityError, transaction

    Story.objects.filter(pk=desk["story"].pk).update(slug="missile-test")
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(headline="Other", slug="Missile-Test", template=explainer_template)
    again = services.story_create(
        by=desk["author"], template=explainer_template, headline="MISSILE TEST"
    )
    assert again.slug == "missile-test-2"
    client.force_login(desk["author"])
    response = client.post(
        reverse("admin:stories_story_add"),
        {
            **NO_PARTS_YET,
            "headline": "Third",
            "slug": "Missile-TEST",
            "template": explainer_template.pk,
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert "Another story already has this slug" in response.content.decode()


def test_slugs_are_cut_after_a_whole_word_at_80_characters():
    headline = "The minister of defence said on Tuesday that the coastal batteries would " * 3
    slug = services.story_slug_from(headline)
    assert len(slug) <= 80 and not slug.endswith("-")
    assert headline.lower().replace(" ", "-").startswith(slug)
