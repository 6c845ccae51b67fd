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


def test_import_story_refuses_a_first_line_too_long_for_a_headline(tmp_path, explainer_template):
    path = tmp_path / "story.md"
    path.write_text("# " + "A" * 10_000 + "\n\nFerry crews stopped work at dawn.\n")
    with pytest.raises(CommandError) as refused:
        call_command("import_story", str(path), "--template=explainer")
    assert str(refused.value) == (
        "The first line (the headline) is 10,000 characters; headlines are at most 300: put the "
        "headline on its own first line."
    )
    assert Story.objects.count() == 0


def test_import_story_removes_nul_bytes_and_control_characters_and_says_so(
    tmp_path, capsys, explainer_template
):
    path = tmp_path / "story.md"
    path.write_bytes(
        "# Ferry\x07 crews walk \u202eout\n\n## What happened\n\nCrews\x00 stopped work.\n".encode()
    )
    call_command("import_story", str(path), "--template=explainer")
    lines = capsys.readouterr().out.strip().splitlines()
    story = Story.objects.get(slug=lines[-1])
    assert story.headline == "Ferry crews walk out"
    assert story.sections.get(key="whats-happened").body == "Crews stopped work."
    assert (
        "note: Removed from the text: U+0007 (BEL, a control character), U+0000 (NUL, a control "
        "character). They are invisible and cannot be stored or published." in lines
    )
    assert any(line.startswith("note: Removed from the headline: U+202E") for line in lines)


@pytest.mark.postgres
def test_import_story_with_a_nul_byte_and_a_long_first_line_on_postgresql(
    tmp_path, capsys, explainer_template
):
    # PostgreSQL refuses NUL in text and enforces varchar lengths: both were 500s / tracebacks.
    path = tmp_path / "story.md"
    path.write_text("# Ferry crews walk out\n\nCrews\x00 stopped work.\n")
    call_command("import_story", str(path), "--template=explainer")
    assert Story.objects.get().headline == "Ferry crews walk out"
    path.write_text("# " + "A" * 10_000 + "\n\nCrews stopped work.\n")
    with pytest.raises(CommandError, match="headlines are at most 300"):
        call_command("import_story", str(path), "--template=explainer")
    assert Story.objects.count() == 1
