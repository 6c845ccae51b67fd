import pytest
from django.urls import reverse

from stories import visibility
from stories.models import Story
from tests import factories

pytestmark = pytest.mark.django_db

# The add page's part inlines, posted empty as a browser would.
NO_PARTS_YET = {
    f"{prefix}-{name}": value
    for prefix in ("citations", "faq_items", "entity_links", "pictures")
    for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
}


def change_url(story):
    return reverse("admin:stories_story_change", args=[story.pk])


def test_creating_a_story_in_the_admin_creates_its_sections_and_byline(
    client, superuser, explainer_template
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:stories_story_add"),
        {
            **NO_PARTS_YET,
            "headline": "Drills resume",
            "slug": "drills-resume",
            "summary": "S",
            "template": explainer_template.pk,
            "language": "en",
            "dateline_place": "",
            "dateline_date": "",
        },
    )
    story = Story.objects.get(slug="drills-resume")
    assert response.status_code == 302 and response["Location"] == change_url(story)
    assert story.sections.count() == 8
    assert list(story.bylines.all()) == [superuser]
    assert story.created_by == superuser


def test_change_page_shows_sections_in_template_order_with_help_text(client, superuser):
    story = factories.story(by=superuser, citations=2, faq=1, entities=1)
    client.force_login(superuser)
    page = client.get(change_url(story)).content.decode()
    positions = [page.index(s.heading.replace("'", "&#x27;")) for s in story.sections.all()]
    assert positions == sorted(positions)
    assert "How other outlets report it" in page  # the papers section's help text
    for inline in ["citations-TOTAL_FORMS", "faq_items-TOTAL_FORMS", "entity_links-TOTAL_FORMS"]:
        assert inline in page
    assert story.get_absolute_url() in page


def test_change_page_query_count_is_bounded_whatever_the_story_holds(
    client, superuser, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = factories.story(by=superuser, citations=1, faq=1, entities=1)
    big = factories.story(by=superuser, citations=30, faq=15, entities=20)
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(change_url(small)).status_code == 200
    with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as big_queries:
        assert client.get(change_url(big)).status_code == 200
    assert len(big_queries) == len(small_queries)


def test_change_page_reuses_the_checklist_until_the_story_or_the_desk_changes(client, superuser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stories.models import DictionaryWord

    story = factories.story(by=superuser, citations=2)
    section = story.sections.get(key="whats-happened")
    section.body = "The navy held zorbulan drills."
    section.save()
    client.force_login(superuser)
    first = client.get(change_url(story)).content.decode()
    assert "“zorbulan”" in first  # the unknown-word warning
    with CaptureQueriesContext(connection) as again:
        client.get(change_url(story))
    with CaptureQueriesContext(connection) as first_queries:
        client.get(change_url(factories.story(by=superuser, citations=2)))
    assert len(again) < len(first_queries)  # the checks did not run again
    DictionaryWord.objects.create(word="zorbulan")
    assert "“zorbulan”" not in client.get(change_url(story)).content.decode()


def test_saving_in_the_admin_bumps_the_version(client, superuser):
    story = factories.story(by=superuser)
    client.force_login(superuser)
    page = client.get(change_url(story))
    data = _form_data(page)
    data["headline"] = "A better headline"
    response = client.post(change_url(story), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()
    assert (story.headline, story.version) == ("A better headline", 2)


def test_story_list_filters_by_status_template_and_byline_and_searches_bodies(client, superuser):
    other = factories.journalist(username="other")
    mine = factories.story(by=superuser, headline="Mine")
    theirs = factories.story(by=other, headline="Theirs", template="news-report")
    section = theirs.sections.first()
    section.body = "The carrier docked in Busan."
    section.save()
    client.force_login(superuser)
    url = reverse("admin:stories_story_changelist")
    assert "Theirs" in client.get(url, {"q": "Busan"}).content.decode()
    assert "Mine" not in client.get(url, {"q": "Busan"}).content.decode()
    by_template = client.get(url, {"template__id__exact": theirs.template_id}).content.decode()
    assert "Theirs" in by_template and ">Mine<" not in by_template
    by_author = client.get(url, {"bylines__id__exact": other.pk}).content.decode()
    assert "Theirs" in by_author and ">Mine<" not in by_author
    assert client.get(url, {"status__exact": "draft"}).status_code == 200
    assert mine.status == "draft"


def test_entity_and_outlet_admin_show_the_stories_using_them(client, superuser):
    story = factories.story(by=superuser, citations=1, entities=1)
    client.force_login(superuser)
    entity = story.entity_links.get().entity
    outlet = story.citations.get().outlet
    assert (
        story.headline
        in client.get(reverse("admin:stories_entity_change", args=[entity.pk])).content.decode()
    )
    assert (
        story.headline
        in client.get(reverse("admin:sources_outlet_change", args=[outlet.pk])).content.decode()
    )


def test_entity_and_outlet_autocomplete_answer(client, superuser):
    factories.EntityFactory(name="Kim Jong Un", slug="kim-jong-un")
    client.force_login(superuser)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Kim",
            "app_label": "stories",
            "model_name": "storyentity",
            "field_name": "entity",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Kim Jong Un"]


def _form_data(response):
    """The values a browser would post back from an admin change form."""
    from lxml import html

    doc = html.fromstring(response.content)
    form = doc.get_element_by_id("story_form")
    data = {}
    for field in form.inputs:
        if field.name is None or getattr(field, "type", None) in {"submit", "button", "file"}:
            continue
        if getattr(field, "type", None) == "checkbox":
            if field.checked:
                data[field.name] = field.value or "on"
            continue
        if field.tag == "select":
            selected = [o.get("value") for o in field.xpath(".//option[@selected]")]
            data[field.name] = selected[0] if selected else ""
            continue
        data[field.name] = field.value or ""
    return data


# --- The workflow on the story page -----------------------------------------------------------

BUTTONS = [
    "Submit for review",
    "Request changes",
    "Publish",
    "Schedule",
    "Withdraw",
    "Add correction",
]


def _buttons(response):
    from lxml import html

    doc = html.fromstring(response.content)
    return [b.text_content().strip() for b in doc.xpath('//button[@name="_workflow"]')]


def _in_state(story, state, **fields):
    from django.utils import timezone

    if state == "published":
        fields.setdefault("published_at", timezone.now())
        fields.setdefault("announced_at", timezone.now())
    Story.objects.filter(pk=story.pk).update(status=state, **fields)
    return Story.objects.get(pk=story.pk)


@pytest.fixture
def desk(db):
    author = factories.journalist(username="jo")
    story = factories.story(by=author, citations=2, headline="Missiles over the sea")
    return {
        "author": author,
        "other": factories.journalist(username="kim"),
        "editor": factories.editor(username="eddie"),
        "story": story,
    }


def test_groups_hold_the_newsroom_roles():
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors")
    journalists = Group.objects.get(name="Journalists")
    assert editors.permissions.filter(codename="publish_story").exists()
    assert editors.permissions.filter(codename="delete_story").exists()
    assert not journalists.permissions.filter(codename="publish_story").exists()
    assert not journalists.permissions.filter(codename="delete_story").exists()
    assert journalists.permissions.filter(codename="add_citation").exists()


def test_demo_accounts_belong_to_their_groups(settings):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    users = get_user_model().objects
    assert list(users.get(username="journalist").groups.values_list("name", flat=True)) == [
        "Journalists"
    ]
    assert list(users.get(username="editor").groups.values_list("name", flat=True)) == ["Editors"]


@pytest.mark.parametrize(
    "state, who, shown",
    [
        ("draft", "author", ["Submit for review"]),
        ("draft", "editor", ["Submit for review"]),
        ("in_review", "author", []),
        ("in_review", "editor", ["Request changes", "Publish", "Schedule"]),
        ("scheduled", "editor", ["Request changes", "Publish"]),
        ("published", "author", []),
        ("published", "editor", ["Withdraw", "Add correction"]),
        ("withdrawn", "editor", []),
    ],
)
def test_the_story_page_shows_only_the_buttons_the_user_may_press(client, desk, state, who, shown):
    story = _in_state(desk["story"], state)
    client.force_login(desk[who])
    response = client.get(change_url(story))
    assert response.status_code == 200
    assert _buttons(response) == shown
    assert set(shown) <= set(BUTTONS)


def test_an_editor_on_the_byline_is_not_offered_publish(client, desk):
    from stories.models import Byline

    Byline.objects.create(story=desk["story"], user=desk["editor"], order=1)
    story = _in_state(desk["story"], "in_review")
    client.force_login(desk["editor"])
    assert _buttons(client.get(change_url(story))) == ["Request changes"]


@pytest.mark.parametrize(
    "state, who, action",
    [
        ("in_review", "author", "publish"),
        ("in_review", "other", "request_changes"),
        ("draft", "other", "submit"),
        ("published", "author", "withdraw"),
        ("published", "author", "correct"),
        ("in_review", "author", "schedule"),
    ],
)
def test_a_forbidden_step_posted_anyway_gets_403_and_changes_nothing(
    client, desk, state, who, action
):
    story = _in_state(desk["story"], state)
    client.force_login(desk[who])
    workflow_url = reverse("admin:stories_story_workflow", args=[story.pk, action])
    assert client.post(workflow_url, {f"{action}_comment": "x"}).status_code == 403
    assert client.post(change_url(story), {"_workflow": action}).status_code == 403
    after = Story.objects.get(pk=story.pk)
    assert (after.status, after.version) == (state, story.version)
    assert not after.transitions.exists()


def test_journalists_see_published_stories_read_only_and_cannot_post_changes(client, desk):
    editor_page = None
    story = _in_state(desk["story"], "published")
    client.force_login(desk["editor"])
    editor_page = client.get(change_url(story))
    data = _form_data(editor_page)
    client.force_login(desk["author"])
    page = client.get(change_url(story)).content.decode()
    assert 'name="headline"' not in page and "You can read this story but not change it" in page
    data["headline"] = "Changed by a journalist"
    assert client.post(change_url(story), data).status_code == 403
    assert Story.objects.get(pk=story.pk).headline == "Missiles over the sea"


def test_a_journalist_edits_their_own_draft_but_not_someone_elses(client, desk):
    client.force_login(desk["author"])
    page = client.get(change_url(desk["story"]))
    assert 'name="headline"' in page.content.decode()
    client.force_login(desk["other"])
    page = client.get(change_url(desk["story"]))
    assert 'name="headline"' not in page.content.decode()
    data = _form_data(client.get(change_url(desk["story"])))
    assert client.post(change_url(desk["story"]), data).status_code == 403


def test_submit_saves_what_was_typed_then_submits(client, desk, django_capture_on_commit_callbacks):
    client.force_login(desk["author"])
    data = _form_data(client.get(change_url(desk["story"])))
    data["sections-0-body"] = "Typed just before pressing the button."
    data["_workflow"] = "submit"
    data["submit_comment"] = "Ready for the desk."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(desk["story"]), data)
    assert response.status_code == 302
    story = Story.objects.get(pk=desk["story"].pk)
    assert story.status == "in_review"
    assert story.sections.first().body == "Typed just before pressing the button."
    step = story.transitions.get()
    assert (step.by, step.comment) == (desk["author"], "Ready for the desk.")
    page = client.get(change_url(story)).content.decode()
    assert "submitted for review" in page and 'id="submitted"' in page


def test_a_refused_submit_lists_what_to_fix_and_keeps_the_typed_text(client, desk):
    client.force_login(desk["author"])
    data = _form_data(client.get(change_url(desk["story"])))
    data["summary"] = ""
    data["headline"] = "A sharper headline"
    data["_workflow"] = "submit"
    response = client.post(change_url(desk["story"]), data, follow=True)
    page = response.content.decode()
    assert "“Submit for review” was refused" in page
    assert "Add a summary (the dek under the headline)." in page
    story = Story.objects.get(pk=desk["story"].pk)
    assert (story.status, story.headline, story.summary) == ("draft", "A sharper headline", "")


def test_request_changes_needs_a_comment_which_the_authors_then_see(client, desk):
    story = _in_state(desk["story"], "in_review")
    client.force_login(desk["editor"])
    data = _form_data(client.get(change_url(story)))
    data["_workflow"] = "request_changes"
    page = client.post(change_url(story), data, follow=True).content.decode()
    assert "Write a comment for the authors" in page
    assert Story.objects.get(pk=story.pk).status == "in_review"
    data = _form_data(client.get(change_url(story)))
    data.update(_workflow="request_changes", request_changes_comment="Add the Japanese view.")
    client.post(change_url(story), data)
    assert Story.objects.get(pk=story.pk).status == "draft"
    client.force_login(desk["author"])
    page = client.get(change_url(story)).content.decode()
    assert 'id="changes-requested"' in page and "Add the Japanese view." in page


def test_schedule_and_embargo_come_from_the_panel_in_the_site_time_zone(client, desk, settings):
    import datetime as dt

    from django.utils import timezone

    settings.TIME_ZONE = "Asia/Seoul"
    story = _in_state(desk["story"], "in_review")
    client.force_login(desk["editor"])
    data = _form_data(client.get(change_url(story)))
    data.update(_workflow="schedule", schedule_at="2099-03-01T09:30")
    page = client.post(change_url(story), data, follow=True).content.decode()
    assert "goes live at" in page
    story.refresh_from_db()
    assert story.status == "scheduled"
    assert story.scheduled_for == dt.datetime(2099, 3, 1, 0, 30, tzinfo=dt.UTC)
    data = _form_data(client.get(change_url(story)))
    data.update(_workflow="publish", publish_at="2099-01-01T09:00")
    client.post(change_url(story), data)
    story.refresh_from_db()
    assert story.status == "published" and not visibility.story_is_visible(story)
    assert timezone.localtime(story.embargo_until).hour == 9


def test_withdraw_and_add_correction_from_the_admin(client, desk):
    story = _in_state(desk["story"], "published")
    client.force_login(desk["editor"])
    data = _form_data(client.get(change_url(story)))
    data.update(_workflow="correct", correct_comment="The range was 300 km, not 400 km.")
    client.post(change_url(story), data)
    assert story.corrections.get().text == "The range was 300 km, not 400 km."
    data = _form_data(client.get(change_url(story)))
    data.update(_workflow="withdraw", withdraw_comment="Retracted: the source recanted.")
    unconfirmed = client.post(change_url(story), data, follow=True).content.decode()
    assert "“Withdraw” was not done: tick" in unconfirmed
    story.refresh_from_db()
    assert story.status == "published"
    client.post(change_url(story), {**data, "withdraw_confirm": "yes"})
    story.refresh_from_db()
    assert (story.status, story.withdrawn_reason) == (
        "withdrawn",
        "Retracted: the source recanted.",
    )


def test_change_page_query_count_is_the_same_for_a_journalist(client, desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = desk["story"]
    big = factories.story(by=desk["author"], citations=30, faq=15, entities=20)
    client.force_login(desk["author"])
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(change_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as big_queries:
        assert client.get(change_url(big)).status_code == 200
    assert len(big_queries) == len(small_queries)


def test_saving_shows_the_cheap_checks_as_a_message(client, superuser):
    story = factories.story(by=superuser, citations=0)
    client.force_login(superuser)
    data = _form_data(client.get(change_url(story)))
    data["headline"] = "Changed"
    response = client.post(change_url(story), data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Checklist: 1 to fix") for m in shown), shown


def test_entity_list_filters_cards_due_for_review(client, superuser):
    import datetime as dt

    fresh = factories.EntityFactory(name="Fresh card", reviewed_at=dt.date.today())
    factories.EntityFactory(name="Never reviewed", reviewed_at=None)
    client.force_login(superuser)
    page = client.get(
        reverse("admin:stories_entity_changelist"), {"review": "stale"}
    ).content.decode()
    assert "Never reviewed" in page and fresh.name not in page


def test_a_down_cache_fails_no_save_and_no_change_page(client, superuser, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    story = factories.story(by=superuser, citations=2, entities=1)
    entity = story.entity_links.get().entity
    entity.description = "Saved while Redis is down."
    entity.save()
    factories.EntityFactory(name="Brand new entity")
    client.force_login(superuser)
    page = client.get(change_url(story))
    assert page.status_code == 200 and 'id="checklist"' in page.content.decode()
