"""The long story change page is rendered partly in Python (stories/admin.py QuickPartForms,
stories/templatetags/story_admin.py): it must write the same page Django's templates would, and
keep its query count flat. Timings are in bench/admin.py, not here."""

import re

import pytest

from stories.admin import parts as story_admin
from stories.admin import quick as quick_admin
from tests import factories

pytestmark = pytest.mark.django_db

QUICK_INLINES = [
    story_admin.StoryCitationInline,
    story_admin.FAQItemInline,
    story_admin.StorySectionInline,
]


def _normalized(html: str) -> str:
    html = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF-TOKEN", html)  # masked anew on every render
    html = re.sub(r'nonce="[^"]*"', 'nonce="CSP-NONCE"', html)  # new for every response
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+<", "><", html).strip()


def _django_rendering(monkeypatch):
    """Switch back to the admin's own templates and template-rendered widgets."""
    for inline in QUICK_INLINES:
        monkeypatch.setattr(inline, "template", "admin/edit_inline/stacked.html")

    def plain_get_formset(self, request, obj=None, **kwargs):
        return super(quick_admin.QuickPartForms, self).get_formset(request, obj, **kwargs)

    monkeypatch.setattr(quick_admin.QuickPartForms, "get_formset", plain_get_formset)


def test_the_quick_change_page_is_the_page_django_would_write(client, superuser, monkeypatch):
    story = factories.story(by=superuser, citations=4, faq=3, entities=2)
    citation = story.citations.first()
    citation.url = "https://example.org/a?x=1&y=<2>"
    citation.quote = 'He said "no" & left.'
    citation.save()
    story.citations.exclude(pk=citation.pk).filter(order=1).update(
        url="https://example.org/news?id=7&lang=en"
    )
    client.force_login(superuser)
    url = f"/admin/stories/story/{story.pk}/change/"
    quick = client.get(url).content.decode()
    _django_rendering(monkeypatch)
    django = client.get(url).content.decode()
    assert "citations-3" in quick and "faq_items-2" in quick
    assert 'class="url"' in quick and 'class="date"' in quick  # the admin's own widgets too
    quick, django = _normalized(quick), _normalized(django)
    pairs = enumerate(zip(quick, django, strict=False))
    first = next((i for i, (a, b) in pairs if a != b), min(len(quick), len(django)))
    assert quick == django, (
        quick[max(0, first - 300) : first + 300],
        django[max(0, first - 300) : first + 300],
    )


def test_errors_show_on_the_quick_page_as_on_django_s(client, superuser, monkeypatch):
    story = factories.story(by=superuser, citations=2, faq=1)
    client.force_login(superuser)
    url = f"/admin/stories/story/{story.pk}/change/"
    page = client.get(url).content.decode()
    data = {
        name: value
        for name, value in re.findall(
            r'<input type="(?:hidden|text|number|url)" name="([^"]+)"'
            r'(?: value="([^"]*)")?',
            page,
        )
    }
    data.update({"headline": story.headline, "slug": story.slug, "language": "en"})
    data["citations-0-order"] = "not a number"
    quick = client.post(url, data)
    assert quick.status_code == 200
    assert "Enter a whole number." in quick.content.decode()
    _django_rendering(monkeypatch)
    django = client.post(url, data)
    assert _normalized(quick.content.decode()) == _normalized(django.content.decode())


def test_the_change_page_query_count_stays_flat_as_the_story_grows(
    client, superuser, django_assert_max_num_queries
):
    small = factories.story(by=superuser, citations=1, faq=1, entities=1)
    big = factories.story(by=superuser, citations=30, faq=15, entities=20)
    client.force_login(superuser)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        client.get(f"/admin/stories/story/{small.pk}/change/")
    with CaptureQueriesContext(connection) as big_queries:
        client.get(f"/admin/stories/story/{big.pk}/change/")
    assert len(big_queries) == len(small_queries) <= 30


def test_the_story_list_costs_the_same_queries_for_5_or_60_stories(
    client, superuser, django_assert_num_queries
):
    for _ in range(5):
        factories.story(by=superuser, published=True)
    client.force_login(superuser)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/admin/stories/story/").status_code == 200
    for _ in range(55):
        factories.story(by=superuser, published=True)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/admin/stories/story/").content.decode()
    assert len(many) == len(few)
    assert page.count('class="action-select"') == 50  # one page of the 60


def test_search_finds_a_word_in_a_section_body_once(client, superuser):
    story = factories.story(by=superuser, published=True)
    other = factories.story(by=superuser, published=True)
    for section in story.sections.filter(kind="text")[:2]:
        section.body = "The floodgate closed at dawn."
        section.save()
    client.force_login(superuser)
    page = client.get("/admin/stories/story/", {"q": "floodgate"}).content.decode()
    assert page.count(f"/admin/stories/story/{story.pk}/change/") == 1
    assert f"/admin/stories/story/{other.pk}/change/" not in page
    quoted = client.get("/admin/stories/story/", {"q": '"closed at dawn"'}).content.decode()
    assert f"/admin/stories/story/{story.pk}/change/" in quoted
    none = client.get("/admin/stories/story/", {"q": '"dawn closed"'}).content.decode()
    assert f"/admin/stories/story/{story.pk}/change/" not in none


def test_search_matches_the_beginning_of_words_and_takes_any_punctuation(client, superuser):
    story = factories.story(by=superuser, published=True)
    section = story.sections.filter(kind="text").first()
    section.body = "The **floodgate** closed at dawn, said Kim's office."
    section.save()
    client.force_login(superuser)
    changelist = "/admin/stories/story/"
    for term in ["flood", "FLOODGATE", "kim's", "Kim office"]:
        page = client.get(changelist, {"q": term}).content.decode()
        assert f"/admin/stories/story/{story.pk}/change/" in page, term
    for term in ["floodgates", "harbour & (barrier", "!!!", ":*"]:
        response = client.get(changelist, {"q": term})
        assert response.status_code == 200, term
        assert f"/admin/stories/story/{story.pk}/change/" not in response.content.decode(), term


@pytest.mark.postgres
def test_search_in_section_text_can_use_the_full_text_index():
    """The query is the very expression migration 0007 indexes (else PostgreSQL would read
    every section's text for a common word)."""
    from django.db import connection

    from stories.selectors import story_ids_with_text

    for ids in (
        story_ids_with_text("harbour barrier"),
        story_ids_with_text("at dawn", phrase=True),
    ):
        sql, params = ids.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "stories_section_body_fts" in plan, plan


def test_the_long_story_page_is_seventeen_queries_once_its_checklist_is_cached(client, superuser):
    """Pinned: a new query on the story page (a relation read per part, a count) shows here.
    Beyond the parts: the warnings editors accepted (checklist acknowledgements), the story's
    pictures, and its text sections once for every picture's section menu."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    story = factories.story(by=superuser, citations=30, faq=15, entities=20)
    client.force_login(superuser)
    url = reverse("admin:stories_story_change", args=[story.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 17, "\n".join(q["sql"][:120] for q in queries.captured_queries)
