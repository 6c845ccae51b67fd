from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stories.models import Story

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


def test_import_story_prints_the_new_drafts_slug_last(capsys, journalist):
    call_command(
        "import_story",
        str(FIXTURES / "ferry_strike_report.txt"),
        "--template",
        "news-report",
        "--by",
        journalist.username,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    story = Story.objects.get(slug=lines[-1])
    assert story.headline == "Ferry Crews Walk Out as Talks on Night Shifts Collapse"
    assert story.status == "draft"
    assert list(story.bylines.all()) == [journalist]
    assert story.citations.count() == 1
    assert any(line.startswith("note: The text has no section headings") for line in lines)
    assert "1 section with text, 1 citation, 0 FAQ items, 0 entities" in lines[-2]


def test_import_story_takes_a_headline_and_works_without_an_author(capsys, explainer_template):
    call_command(
        "import_story",
        str(FIXTURES / "harbour_barrier_explainer.md"),
        "--template=explainer",
        "--headline=Barrier shuts",
    )
    story = Story.objects.get(slug=capsys.readouterr().out.strip().splitlines()[-1])
    assert story.headline == "Barrier shuts"
    assert story.faq_items.count() == 5
    assert story.entity_links.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/story.txt", "--template=explainer"], "No file at /nonexistent/story.txt"),
        ([str(FIXTURES / "ferry_strike_report.txt"), "--template=recipe"], "No template “recipe”"),
        (
            [str(FIXTURES / "ferry_strike_report.txt"), "--template=explainer", "--by=ghost"],
            "No user “ghost”",
        ),
    ],
)
def test_import_story_says_what_to_fix(args, message, explainer_template):
    with pytest.raises(CommandError, match=message):
        call_command("import_story", *args)
    assert Story.objects.count() == 0


def test_import_story_refuses_non_utf8_and_empty_files(tmp_path, explainer_template):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 story".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("import_story", str(latin), "--template=explainer")
    empty = tmp_path / "empty.md"
    empty.write_text("\n\n")
    with pytest.raises(CommandError, match="The text is empty"):
        call_command("import_story", str(empty), "--template=explainer")
    assert Story.objects.count() == 0


def test_an_imported_citation_with_a_url_is_queued_for_fetching(
    capsys, explainer_template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        call_command(
            "import_story", str(FIXTURES / "harbour_barrier_explainer.md"), "--template=explainer"
        )
    story = Story.objects.get(slug=capsys.readouterr().out.strip().splitlines()[-1])
    linked = story.citations.get(url="https://coastal-weekly.example/barrier-shipping")
    assert linked.link_status == "pending"
    assert linked.outlet.domain == "coastal-weekly.example"
    assert story.citations.exclude(pk=linked.pk).filter(link_status="").count() == 2
    assert len(callbacks) >= 1  # the fetch, once the import's transaction commits
