import pytest
from django.urls import reverse

from stories.models import Story
from tests import factories

pytestmark = pytest.mark.django_db


def change_url(story):
    return reverse("admin:stories_story_change", args=[story.pk])


def test_creating_a_story_in_the_admin_creates_its_sections_and_byline(
    client, superuser, explainer_template
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:stories_story_add"),
        {
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
    small = factories.story(by=superuser, citations=1, faq=1, entities=1)
    big = factories.story(by=superuser, citations=30, faq=15, entities=20)
    client.force_login(superuser)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(change_url(small)).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(change_url(big)).status_code == 200
    with CaptureQueriesContext(connection) as big_queries:
        client.get(change_url(big))
    assert len(big_queries) == len(small_queries)


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
