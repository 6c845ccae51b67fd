import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sources.models import Outlet
from stories.models import Entity, Story, StoryEntity
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
IMPORT_URL = "/admin/desk/import/"
STALE_URL = "/admin/desk/entities/stale/"


@pytest.fixture
def desk(client, superuser):
    client.force_login(superuser)
    return client


def ferry_text():
    return (FIXTURES / "ferry_strike_report.txt").read_text()


# --- Import story from text -------------------------------------------------------------------


def test_import_page_shows_the_form(desk):
    page = desk.get(IMPORT_URL).content.decode()
    assert "Import story from text" in page
    assert 'name="text"' in page and 'name="file"' in page and 'name="template"' in page
    assert 'value="save"' not in page  # saving comes after a preview


def test_preview_shows_what_was_understood_and_the_findings_and_saves_nothing(desk):
    text = (FIXTURES / "harbour_barrier_explainer.md").read_text()
    response = desk.post(IMPORT_URL, {"template": "explainer", "text": text, "action": "preview"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Harbour barrier closes for the first time as storm surge nears" in page
    assert "Eastmouth Courier" in page and "Feb 15, 2026" in page  # a citation
    assert "Who decides when to close the barrier?" in page  # an FAQ item
    assert "Marta Quell" in page and "new, unreviewed" in page  # an entity
    assert "kept as a sub-heading in “More on these topics”" in page  # a note
    assert 'data-code="faq-duplicate"' in page  # the checks' findings
    assert "repeats FAQ item 1 word for word" in page
    assert 'value="save"' in page
    assert (Story.objects.count(), Entity.objects.count(), Outlet.objects.count()) == (0, 0, 0)


def test_save_imports_the_draft_and_opens_it_in_the_admin(desk, superuser):
    response = desk.post(
        IMPORT_URL, {"template": "news-report", "text": ferry_text(), "action": "save"}
    )
    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/stories/story/{story.pk}/change/"
    assert (story.dateline_place, story.dateline_date) == (
        "Portmere, Westland",
        dt.date(2026, 3, 9),
    )
    assert list(story.bylines.all()) == [superuser]
    page = desk.get(response["Location"]).content.decode()
    assert "was imported as a draft" in page


def test_a_chosen_file_is_read_and_shown_in_the_text_box(desk):
    upload = SimpleUploadedFile("ferry.txt", ferry_text().encode("utf-8"), "text/plain")
    page = desk.post(
        IMPORT_URL, {"template": "news-report", "text": "", "file": upload, "action": "preview"}
    ).content.decode()
    assert "Portmere, Westland – March 9, 2026" in page
    assert "Ferry crews on the Portmere crossings stopped work" in page
    assert Story.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "  "}, "Paste the story&#x27;s text or choose a file to import."),
        (
            {"text": "", "file": SimpleUploadedFile("x.txt", "Caf\xe9".encode("latin-1"))},
            "The file is not UTF-8 text",
        ),
    ],
)
def test_bad_input_says_what_to_fix(desk, data, message):
    response = desk.post(IMPORT_URL, {"template": "explainer", "action": "save", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Story.objects.count() == 0


def test_import_is_for_staff_who_may_add_stories(client):
    assert client.get(IMPORT_URL).status_code == 302  # to the admin login
    client.force_login(factories.UserFactory(username="intern", is_staff=True))
    assert client.get(IMPORT_URL).status_code == 403


# --- Entity cards due for review --------------------------------------------------------------


def test_stale_list_shows_cards_due_for_review_in_progress_first(desk):
    today = timezone.localdate()
    never = factories.EntityFactory(name="Never Reviewed", reviewed_at=None)
    old = factories.EntityFactory(name="Reviewed Long Ago", reviewed_at=today - dt.timedelta(400))
    factories.EntityFactory(name="Reviewed Lately", reviewed_at=today - dt.timedelta(10))
    draft = factories.story()
    StoryEntity.objects.create(story=draft, entity=old)
    page = desk.get(STALE_URL).content.decode()
    assert "Reviewed Lately" not in page
    assert page.index("Reviewed Long Ago") < page.index("Never Reviewed")
    assert "never" in page and "2 cards" in page
    assert f"/admin/stories/entity/{never.pk}/change/" in page


def test_stale_list_filters_by_kind_and_costs_the_same_queries_for_many_cards(desk):
    factories.EntityFactory(name="A Person", kind="person")
    factories.EntityFactory(name="A Country", kind="country")
    page = desk.get(STALE_URL + "?kind=country").content.decode()
    assert "A Country" in page and "A Person" not in page
    with CaptureQueriesContext(connection) as few:
        desk.get(STALE_URL)
    for n in range(30):
        factories.EntityFactory(name=f"Card {n}")
    with CaptureQueriesContext(connection) as many:
        assert "Card 29" in desk.get(STALE_URL).content.decode()
    assert len(many) == len(few)


# --- One-click entity link from the checklist -------------------------------------------------


def story_mentioning_varga():
    varga = Entity.objects.create(name="Ines Varga", slug="ines-varga", kind="person")
    story = factories.story(citations=2)
    section = story.sections.get(key="whats-happened")
    section.body = "Ines Varga leads the crews."
    section.save()
    return story, varga


def test_checklist_offers_a_one_click_link_and_a_dictionary_link(desk):
    story, varga = story_mentioning_varga()
    section = story.sections.get(key="forecast")
    section.body = "The flexirota starts in May."
    section.save()
    page = desk.get(f"/admin/stories/story/{story.pk}/change/").content.decode()
    assert f'data-entity="{varga.pk}"' in page
    assert (
        "<strong>Ines Varga</strong></a>: “Ines Varga” is mentioned in “What&#x27;s happened”"
        in page
    )
    assert f"/admin/desk/stories/{story.pk}/entities/link/" in page
    assert f"/admin/desk/stories/{story.pk}/dictionary/add/?word=flexirota" in page
    assert "<strong>Forecast and Implications</strong></a>: “flexirota”" in page
    assert "/admin/desk/import/" in page and "/admin/desk/entities/stale/" in page


def test_linking_a_suggested_entity_links_it_and_returns_to_the_story(desk):
    story, varga = story_mentioning_varga()
    url = f"/admin/desk/stories/{story.pk}/entities/link/"
    response = desk.post(url, {"entity": varga.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/stories/story/{story.pk}/change/"
    link = StoryEntity.objects.get(story=story, entity=varga)
    assert link.role == "mentions"
    story.refresh_from_db()
    assert story.version == 2
    desk.post(url, {"entity": varga.pk})
    assert StoryEntity.objects.filter(story=story).count() == 1
    page = desk.get(response["Location"]).content.decode()
    assert "“Ines Varga” is now linked to this story." in page
    assert f'data-entity="{varga.pk}"' not in page


def test_link_endpoint_refuses_get_bad_input_and_users_who_may_not_edit(client, desk):
    story, varga = story_mentioning_varga()
    url = f"/admin/desk/stories/{story.pk}/entities/link/"
    assert desk.get(url).status_code == 405
    assert desk.post(url, {"entity": "x"}).status_code == 400
    assert desk.post(url, {"entity": 999999}).status_code == 404
    client.force_login(factories.UserFactory(username="intern", is_staff=True))
    assert client.post(url, {"entity": varga.pk}).status_code == 403
    assert not StoryEntity.objects.filter(entity=varga).exists()
