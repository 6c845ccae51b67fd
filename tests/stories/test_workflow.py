"""The editorial workflow: who may take which step, what each step needs, and what it tells."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from stories import revisions, visibility, workflow
from stories.models import Byline, Correction, Story, StoryStatus, StoryTransition
from stories.signals import story_changed
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["author_journalist", "other_journalist", "editor_author", "editor"]
# Every step × every role: allowed (True) or refused (False).
MATRIX = {
    "submit": [True, False, True, True],
    "request_changes": [False, False, True, True],
    "publish": [False, False, False, True],
    "schedule": [False, False, False, True],
    "withdraw": [False, False, True, True],
    "correct": [False, False, True, True],
}
SOURCE_STATE = {
    "submit": StoryStatus.DRAFT,
    "request_changes": StoryStatus.IN_REVIEW,
    "publish": StoryStatus.IN_REVIEW,
    "schedule": StoryStatus.IN_REVIEW,
    "withdraw": StoryStatus.PUBLISHED,
    "correct": StoryStatus.PUBLISHED,
}
TARGET_STATE = {
    "submit": StoryStatus.IN_REVIEW,
    "request_changes": StoryStatus.DRAFT,
    "publish": StoryStatus.PUBLISHED,
    "schedule": StoryStatus.SCHEDULED,
    "withdraw": StoryStatus.WITHDRAWN,
    "correct": StoryStatus.PUBLISHED,
}


@pytest.fixture(autouse=True)
def eager_celery():
    """Run queued tasks (e-mails) in-process, also where REDIS_URL is set (CI)."""
    from newsdesk.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def people(db):
    return {
        "author_journalist": factories.journalist(username="jo", email="jo@newsdesk.invalid"),
        "other_journalist": factories.journalist(username="kim"),
        "editor_author": factories.editor(username="ed-author", email="eda@newsdesk.invalid"),
        "editor": factories.editor(username="eddie", email="eddie@newsdesk.invalid"),
    }


def story_in(state, people, **kwargs):
    """A complete explainer by the author journalist and the editor-author, in `state`."""
    story = factories.story(by=people["author_journalist"], citations=2, **kwargs)
    Byline.objects.create(story=story, user=people["editor_author"], order=1)
    if state != StoryStatus.DRAFT:
        Story.objects.filter(pk=story.pk).update(
            status=state,
            published_at=timezone.now() if state == StoryStatus.PUBLISHED else None,
            announced_at=timezone.now() if state == StoryStatus.PUBLISHED else None,
        )
    return Story.objects.get(pk=story.pk)


def take(action, story, user, **extra):
    comment = {"request_changes": "Tighten the intro.", "withdraw": "Legal.", "correct": "Fix."}
    at = timezone.now() + dt.timedelta(hours=2) if action == "schedule" else None
    return workflow.story_act(
        story=story,
        action=action,
        by=user,
        comment=extra.get("comment", comment.get(action, "")),
        at=extra.get("at", at),
    )


def everything_about(story):
    """All a refused step must leave alone: the story row, its parts and its history."""
    story = Story.objects.get(pk=story.pk)
    return {
        "row": {f.attname: getattr(story, f.attname) for f in Story._meta.concrete_fields},
        "sections": list(story.sections.values_list("key", "body")),
        "citations": list(story.citations.values_list("pk", "claim")),
        "corrections": Correction.objects.filter(story=story).count(),
        "transitions": StoryTransition.objects.filter(story=story).count(),
    }


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permissions_matrix(action, role, people):
    story = story_in(SOURCE_STATE[action], people)
    allowed = MATRIX[action][ROLES.index(role)]
    before = everything_about(story)
    if allowed:
        take(action, story, people[role])
        story.refresh_from_db()
        assert story.status == TARGET_STATE[action]
        step = StoryTransition.objects.filter(story=story).latest("id")
        assert (step.action, step.from_status, step.to_status, step.by) == (
            action,
            SOURCE_STATE[action],
            TARGET_STATE[action],
            people[role],
        )
    else:
        with pytest.raises(workflow.TransitionForbidden):
            take(action, story, people[role])
        assert everything_about(story) == before


def test_buttons_follow_the_matrix(people):
    """The admin shows exactly the steps the matrix allows (plus what the state allows)."""
    for action, allowed in MATRIX.items():
        story = story_in(SOURCE_STATE[action], people)
        for role, may in zip(ROLES, allowed, strict=True):
            names = [a.name for a in workflow.story_actions_for(story=story, user=people[role])]
            assert (action in names) == may, (action, role, names)


def test_a_step_the_state_does_not_allow_is_refused_and_changes_nothing(people):
    story = story_in(StoryStatus.DRAFT, people)
    before = everything_about(story)
    with pytest.raises(workflow.TransitionRefused, match="not possible while the story is draft"):
        take("publish", story, people["editor"])
    assert everything_about(story) == before


def test_submit_is_refused_with_every_finding_listed_and_nothing_changes(people):
    story = factories.story(
        by=people["author_journalist"], fill_sections=False, citations=1, summary=""
    )
    before = everything_about(story)
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.story_submit(story=story, by=people["author_journalist"])
    assert refused.value.reasons == [
        "Add a summary (the dek under the headline).",
        "“What's happened” is required: write it.",
        "“What's behind the headline?” is required: write it.",
        "“What the papers say” needs at least 2 citations; it has 1.",
    ]
    assert everything_about(story) == before


def test_news_report_without_dateline_cannot_be_submitted(people):
    story = factories.story(
        by=people["author_journalist"], template="news-report", dateline_place=""
    )
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.story_submit(story=story, by=people["author_journalist"])
    assert any("dateline" in reason for reason in refused.value.reasons)


@pytest.mark.parametrize(
    "action, missing",
    [("request_changes", "comment"), ("withdraw", "reason"), ("correct", "correction note")],
)
def test_steps_that_need_words_refuse_without_them(action, missing, people):
    story = story_in(SOURCE_STATE[action], people)
    before = everything_about(story)
    with pytest.raises(workflow.TransitionRefused, match=missing):
        take(action, story, people["editor"], comment="   ")
    assert everything_about(story) == before


def test_schedule_needs_a_future_time(people):
    story = story_in(StoryStatus.IN_REVIEW, people)
    with pytest.raises(workflow.TransitionRefused, match="time in the future"):
        take("schedule", story, people["editor"], at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(workflow.TransitionRefused, match="Pick the time"):
        workflow.story_schedule(story=story, by=people["editor"], publish_at=None)
    assert Story.objects.get(pk=story.pk).status == StoryStatus.IN_REVIEW


def test_every_step_bumps_the_version_and_names_who_took_it(people):
    story = story_in(StoryStatus.DRAFT, people)
    version = story.version
    story = workflow.story_submit(story=story, by=people["author_journalist"])
    assert (story.version, story.updated_by) == (version + 1, people["author_journalist"])


@pytest.fixture
def events():
    seen = []

    def receiver(sender, story, event, by, **kwargs):
        seen.append((event, story.pk, by, connection.in_atomic_block))

    story_changed.connect(receiver, dispatch_uid="test-workflow-events")
    yield seen
    story_changed.disconnect(dispatch_uid="test-workflow-events")


def test_publish_sends_published_once_inside_the_transaction(people, events):
    story = story_in(StoryStatus.IN_REVIEW, people)
    story = workflow.story_publish(story=story, by=people["editor"])
    assert visibility.story_is_visible(story)
    assert events == [("published", story.pk, people["editor"], True)]
    workflow.stories_announce_embargo_lifted()
    assert len(events) == 1


def test_embargoed_story_is_invisible_until_its_time_then_announced_once(client, people, events):
    story = story_in(StoryStatus.IN_REVIEW, people)
    embargo = timezone.now() + dt.timedelta(hours=1)
    story = workflow.story_publish(story=story, by=people["editor"], embargo_until=embargo)
    assert story.status == StoryStatus.PUBLISHED and story.published_at == embargo
    assert events == []
    assert client.get(story.get_absolute_url()).status_code == 404
    assert workflow.stories_announce_embargo_lifted() == []

    later = embargo + dt.timedelta(seconds=1)
    assert [s.pk for s in workflow.stories_announce_embargo_lifted(now=later)] == [story.pk]
    assert workflow.stories_announce_embargo_lifted(now=later) == []
    assert events == [("published", story.pk, None, True)]
    Story.objects.filter(pk=story.pk).update(embargo_until=timezone.now())
    assert client.get(story.get_absolute_url()).status_code == 200


def test_scheduled_stories_are_published_when_due_and_a_late_run_catches_up(people, events):
    due = story_in(StoryStatus.IN_REVIEW, people, headline="Due story")
    later = story_in(StoryStatus.IN_REVIEW, people, headline="Later story")
    now = timezone.now()
    workflow.story_schedule(story=due, by=people["editor"], publish_at=now + dt.timedelta(hours=1))
    workflow.story_schedule(
        story=later, by=people["editor"], publish_at=now + dt.timedelta(hours=5)
    )
    assert workflow.stories_publish_due() == []

    # The beat was down for two hours: the next run publishes what fell due meanwhile.
    published = workflow.stories_publish_due(now=now + dt.timedelta(hours=3))
    assert [s.pk for s in published] == [due.pk]
    assert workflow.stories_publish_due(now=now + dt.timedelta(hours=3)) == []
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (StoryStatus.PUBLISHED, StoryStatus.SCHEDULED)
    assert events == [("published", due.pk, None, True)]
    step = due.transitions.latest("id")
    assert (step.action, step.by, step.from_status) == ("publish_scheduled", None, "scheduled")


def test_the_beat_task_publishes_due_stories(people, events, settings):
    from stories.tasks import publish_due_stories_task

    story = story_in(StoryStatus.IN_REVIEW, people)
    workflow.story_schedule(
        story=story, by=people["editor"], publish_at=timezone.now() + dt.timedelta(seconds=30)
    )
    Story.objects.filter(pk=story.pk).update(scheduled_for=timezone.now() - dt.timedelta(minutes=1))
    result = publish_due_stories_task.delay().get()
    assert result == {"published": [story.pk], "announced": []}
    assert visibility.story_is_visible(Story.objects.get(pk=story.pk))
    entry = settings.CELERY_BEAT_SCHEDULE["stories-publish-due"]
    assert entry["task"] == publish_due_stories_task.name
    assert entry["schedule"] == 60


def test_request_changes_takes_a_story_off_the_schedule(people):
    story = story_in(StoryStatus.IN_REVIEW, people)
    workflow.story_schedule(
        story=story, by=people["editor"], publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    story = workflow.story_request_changes(story=story, by=people["editor"], comment="Hold it.")
    assert (story.status, story.scheduled_for) == (StoryStatus.DRAFT, None)
    assert workflow.stories_publish_due(now=timezone.now() + dt.timedelta(hours=2)) == []


def test_withdrawn_story_answers_410_with_the_reason_never_the_text(client, people, events):
    story = story_in(StoryStatus.PUBLISHED, people)
    body = story.sections.first().body
    workflow.story_withdraw(story=story, by=people["editor"], reason="A court order.")
    response = client.get(story.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 410
    assert "A court order." in page
    assert story.headline not in page and body not in page and story.summary not in page
    assert events == [("withdrawn", story.pk, people["editor"], True)]
    assert story.headline not in client.get("/").content.decode()


def test_corrections_show_on_the_story_and_on_the_corrections_page(client, people, events):
    story = story_in(StoryStatus.PUBLISHED, people)
    correction = workflow.story_correct(
        story=story, by=people["editor"], text="An earlier version misstated the range."
    )
    assert correction.created_by == people["editor"]
    assert events == [("corrected", story.pk, people["editor"], True)]
    page = client.get(story.get_absolute_url()).content.decode()
    assert "An earlier version misstated the range." in page
    assert 'id="history"' in page and "Corrected" in page
    listing = client.get("/corrections/").content.decode()
    assert "An earlier version misstated the range." in listing
    assert story.get_absolute_url() in listing
    draft = story_in(StoryStatus.DRAFT, people, headline="Unpublished one")
    Correction.objects.create(story=draft, text="Not for readers yet.")
    assert "Not for readers yet." not in client.get("/corrections/").content.decode()


def test_staff_see_the_workflow_history_on_the_story_page_readers_do_not(client, people):
    story = story_in(StoryStatus.DRAFT, people)
    workflow.story_submit(story=story, by=people["author_journalist"], comment="Ready.")
    workflow.story_publish(story=story, by=people["editor"])
    assert 'id="workflow-history"' not in client.get(story.get_absolute_url()).content.decode()
    client.force_login(people["editor"])
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'id="workflow-history"' in page
    assert "Ready." in page and "In review" in page


def test_emails_go_out_after_commit_to_editors_then_to_authors(
    people, django_capture_on_commit_callbacks
):
    story = story_in(StoryStatus.DRAFT, people)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.story_submit(story=story, by=people["author_journalist"], comment="Ready.")
    assert mail.outbox == [] and callbacks  # nothing sent before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "eda@newsdesk.invalid",
        "eddie@newsdesk.invalid",
    ]
    assert "For review" in mail.outbox[0].subject and "Ready." in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.story_request_changes(
            story=story, by=people["editor"], comment="Add the Japanese reaction."
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["eda@newsdesk.invalid", "jo@newsdesk.invalid"]
    assert all("Add the Japanese reaction." in m.body for m in mail.outbox)

    mail.outbox.clear()
    workflow.story_submit(story=story, by=people["author_journalist"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.story_publish(story=story, by=people["editor"])
    assert sorted(m.to[0] for m in mail.outbox) == ["eda@newsdesk.invalid", "jo@newsdesk.invalid"]
    assert all(m.subject.endswith(f"Published: {story.headline}") for m in mail.outbox)
    assert all(story.get_absolute_url() in m.body for m in mail.outbox)


def test_a_refused_step_sends_no_email(people, django_capture_on_commit_callbacks):
    story = story_in(StoryStatus.IN_REVIEW, people)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(workflow.WorkflowError):
        workflow.story_publish(story=story, by=people["editor_author"])
    assert mail.outbox == []


def test_an_editor_who_took_their_name_off_the_byline_still_may_not_approve_it(people):
    """The four-eyes rule reads the byline's history in the story's revisions, not only the
    byline as it is now."""
    story = story_in(StoryStatus.IN_REVIEW, people)
    revisions.story_save_revision(story=story, by=people["editor_author"])
    Byline.objects.filter(story=story, user=people["editor_author"]).delete()
    revisions.story_save_revision(story=story, by=people["editor_author"], comment="Not mine.")
    story.refresh_from_db()
    for step in (
        lambda by: workflow.story_publish(story=story, by=by),
        lambda by: workflow.story_schedule(
            story=story, by=by, publish_at=timezone.now() + dt.timedelta(hours=2)
        ),
    ):
        with pytest.raises(workflow.TransitionForbidden, match="are or were on this story"):
            step(people["editor_author"])
    workflow.story_publish(story=story, by=people["editor"])  # another editor may
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED


# --- The `story` command ---------------------------------------------------------------------


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("story", *args, stdout=out)
    return out.getvalue()


def test_command_runs_the_whole_workflow(people):
    story = story_in(StoryStatus.DRAFT, people)
    assert "submitted for review" in run(story.slug, "submit", "--by", "jo")
    assert "now draft" in run(
        story.slug, "request-changes", "--by", "eddie", "--comment", "More context."
    )
    run(story.slug, "submit", "--by", "jo")
    at = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert "goes live" in run(story.slug, "schedule", "--by", "eddie", "--at", at)
    assert "now published" in run(story.slug, "publish", "--by", "eddie")
    run(story.slug, "correct", "--by", "eddie", "--comment", "Fixed a date.")
    assert "now withdrawn" in run(story.slug, "withdraw", "--by", "eddie", "--comment", "Legal.")
    assert [t.action for t in Story.objects.get(pk=story.pk).transitions.all()] == [
        "submit",
        "request_changes",
        "submit",
        "schedule",
        "publish",
        "correct",
        "withdraw",
    ]


def test_command_publish_at_sets_an_embargo(people):
    story = story_in(StoryStatus.IN_REVIEW, people)
    at = "2099-01-01T09:00+09:00"
    assert "Embargoed until 2099-01-01T00:00:00+00:00" in run(
        story.slug, "publish", "--by", "eddie", "--at", at
    )
    assert not visibility.story_is_visible(Story.objects.get(pk=story.pk))


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["publish", "--by", "jo"], 3, "Only editors can publish"),
        (["publish", "--by", "ed-author"], 3, "four-eyes"),
        (["publish", "--by", "eddie"], 1, "not possible while the story is draft"),
        (["submit", "--by", "nobody"], 2, "No user “nobody”"),
        (["schedule", "--by", "eddie", "--at", "next tuesday"], 2, "not an ISO time"),
    ],
)
def test_command_exits_non_zero_with_the_reason(args, code, message, people):
    story = story_in(StoryStatus.DRAFT, people)
    with pytest.raises(CommandError, match=message) as refused:
        run(story.slug, *args)
    assert refused.value.returncode == code
    assert Story.objects.get(pk=story.pk).status == StoryStatus.DRAFT


def test_command_refuses_an_unknown_story(people):
    with pytest.raises(CommandError, match="No story") as refused:
        run("no-such-story", "submit", "--by", "jo")
    assert refused.value.returncode == 2


def test_command_lists_what_to_fix_when_submit_is_refused(people):
    story = factories.story(by=people["author_journalist"], citations=0)
    with pytest.raises(CommandError, match="needs at least 2 citations") as refused:
        run(story.slug, "submit", "--by", "jo")
    assert refused.value.returncode == 1


# --- Recall ----------------------------------------------------------------------------------


def test_an_author_recalls_a_submitted_story_before_anyone_acts(people):
    story = story_in(StoryStatus.DRAFT, people)
    workflow.story_submit(story=story, by=people["author_journalist"])
    assert [
        a.name
        for a in workflow.story_actions_for(
            story=Story.objects.get(pk=story.pk), user=people["author_journalist"]
        )
    ] == ["recall"]
    story = workflow.story_recall(
        story=story, by=people["author_journalist"], comment="One more quote."
    )
    assert story.status == StoryStatus.DRAFT
    step = StoryTransition.objects.filter(story=story).latest("id")
    assert (step.action, step.by, step.comment) == (
        "recall",
        people["author_journalist"],
        "One more quote.",
    )


def test_recall_is_refused_once_an_editor_has_changed_the_story(people):
    from stories import services

    story = story_in(StoryStatus.DRAFT, people)
    workflow.story_submit(story=story, by=people["author_journalist"])
    services.story_update(
        story=story,
        by=people["editor"],
        changes=services.StoryChanges(fields={"summary": "Tightened by the desk."}),
    )
    story = Story.objects.get(pk=story.pk)
    assert "recall" not in [
        a.name for a in workflow.story_actions_for(story=story, user=people["author_journalist"])
    ]
    with pytest.raises(workflow.TransitionRefused, match="no longer be recalled"):
        workflow.story_recall(story=story, by=people["author_journalist"])
    assert Story.objects.get(pk=story.pk).status == StoryStatus.IN_REVIEW


def test_only_an_author_may_recall(people):
    story = story_in(StoryStatus.DRAFT, people)
    workflow.story_submit(story=story, by=people["author_journalist"])
    for someone in ("other_journalist", "editor"):
        with pytest.raises(workflow.TransitionForbidden):
            workflow.story_recall(story=story, by=people[someone])


@pytest.mark.parametrize("action", ["publish", "schedule"])
def test_publish_and_schedule_are_gated_by_the_checklist_like_submit(people, action):
    """A story that lost a required section after it was submitted is not approved."""
    story = story_in(StoryStatus.IN_REVIEW, people)
    Story.objects.filter(pk=story.pk).update(summary="")
    story.sections.filter(key="whats-happened").update(body="")
    with pytest.raises(workflow.TransitionRefused, match="required"):
        take(action, Story.objects.get(pk=story.pk), people["editor"])
    assert Story.objects.get(pk=story.pk).status == StoryStatus.IN_REVIEW
