"""Issue 19: importing agency and newspaper copy as journalists paste it. Invented text only."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stories.importing import story_import, story_text_parse
from stories.models import Story

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)
BODY = (
    "The council of the small harbour town voted on Tuesday to close the old pier for the "
    "winter, after inspectors found cracks in three of its supports and warned that storms "
    "could make them worse before any repair crews are able to reach them in the spring."
)
GERMAN = (
    "Der Stadtrat der kleinen Hafenstadt hat am Dienstag beschlossen, die alte Mole über den "
    "Winter zu sperren, nachdem Prüfer Risse in drei Stützen gefunden hatten und warnten, dass "
    "die Stürme sie verschlimmern könnten, bevor Reparaturtrupps sie im Frühjahr erreichen."
)


def parse(text, template, **options):
    options.setdefault("today", TODAY)
    return story_text_parse(text=text, template=template, **options)


@pytest.mark.parametrize(
    "first_line, place, date",
    [
        ("LA CROSSE, Wis. (AP) — ", "La Crosse, Wis.", TODAY),
        ("BEIRUT/THE HAGUE, March 7 (Reuters) - ", "Beirut/The Hague", dt.date(2026, 3, 7)),
        ("PUTRAJAYA, Nov 22 — ", "Putrajaya", dt.date(2026, 11, 22)),
        ("NEW DELHI: ", "New Delhi", TODAY),
        ("NEW DELHI, Jan 5 (PTI): ", "New Delhi", dt.date(2026, 1, 5)),
        ("PARIS (AFP) – ", "Paris", TODAY),
        ("Seaport – November 3, 2025 – ", "Seaport", dt.date(2025, 11, 3)),
    ],
)
def test_wire_datelines_become_the_dateline_and_leave_the_body(
    news_report_template, first_line, place, date
):
    draft = parse(f"Pier closes for winter\n\n{first_line}{BODY}", news_report_template)
    assert (draft.dateline_place, draft.dateline_date) == (place, date)
    body = draft.section("body").body
    assert body.startswith("The council of the small harbour town")
    assert not any(note.startswith("No dateline found") for note in draft.notes)


def test_a_dateline_without_a_date_takes_today_and_says_so(news_report_template):
    draft = parse(f"Pier closes\n\nLA CROSSE, Wis. (AP) — {BODY}", news_report_template)
    assert any("gives no date: today's date is used" in note for note in draft.notes)


def test_a_byline_line_above_the_dateline_does_not_hide_it(news_report_template):
    draft = parse(f"Pier closes\n\nBy Ada Brun\n\nPARIS (AFP) – {BODY}", news_report_template)
    assert draft.dateline_place == "Paris"


def test_a_german_dpa_dateline_and_a_german_date_are_read(news_report_template):
    draft = parse(f"Mole gesperrt\n\nBerlin (dpa) - {GERMAN}", news_report_template)
    assert draft.dateline_place == "Berlin"
    assert draft.section("body").body.startswith("Der Stadtrat")
    draft = parse(f"Mole gesperrt\n\nHamburg – 29. September 2024 – {GERMAN}", news_report_template)
    assert (draft.dateline_place, draft.dateline_date) == ("Hamburg", dt.date(2024, 9, 29))


def test_a_shouted_word_with_a_colon_is_no_place(news_report_template):
    draft = parse(f"Pier closes\n\nWARNING: {BODY}", news_report_template)
    assert draft.dateline_place == ""


def test_a_missing_dateline_and_summary_are_said_in_the_notes(news_report_template):
    draft = parse(f"Pier closes\n\n{BODY}", news_report_template)
    assert any(note.startswith("No dateline found") for note in draft.notes)
    assert any(note.startswith("No summary found") for note in draft.notes)


def test_the_language_is_detected_and_can_be_given(news_report_template):
    assert parse(f"Mole gesperrt\n\n{GERMAN}", news_report_template).language == "de"
    assert parse(f"Pier closes\n\n{BODY}", news_report_template).language == "en"
    given = parse(f"Mole gesperrt\n\n{GERMAN}", news_report_template, language="de-CH")
    assert given.language == "de-CH"
    short = parse("Pier\n\nIt closes.", news_report_template)
    assert short.language == "en" and any("too short to tell" in n for n in short.notes)


def test_the_imported_story_keeps_the_detected_language(news_report_template):
    story = story_import(draft=parse(f"Mole gesperrt\n\n{GERMAN}", news_report_template))
    assert story.language == "de"


def test_plain_text_is_escaped_so_it_reads_as_pasted(news_report_template):
    text = (
        "Asterisks explained\n\nThe sign *** means a *footnote* in my_file.\n\n___\n\n"
        "– A dash opens this line of dialogue."
    )
    draft = parse(text, news_report_template, source_format="text")
    body = draft.section("body").body
    assert r"\*\*\* means a \*footnote\* in my\_file." in body
    assert r"\_\_\_" in body
    assert "– A dash opens" in body and "- A dash" not in body


def test_markdown_stays_markdown(news_report_template):
    draft = parse("Title\n\nThe *pier* closes.", news_report_template, source_format="markdown")
    assert "The *pier* closes." in draft.section("body").body


PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Pier closes | Portmere Post</title>
<meta property="og:title" content="Pier closes for the winter"></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Pier closes for the winter</h1><p>{BODY}</p><p>{BODY}</p></article>
</body></html>"""


def test_an_html_page_is_read_with_the_extractor_and_says_so(news_report_template):
    draft = parse(PAGE, news_report_template, source_format="text")
    assert draft.headline == "Pier closes for the winter"
    assert "<" not in draft.section("body").body
    assert "The council of the small harbour town" in draft.section("body").body
    assert any(note.startswith("The file is an HTML page") for note in draft.notes)


def test_an_html_page_without_article_text_is_refused_with_what_to_do(news_report_template):
    draft = parse("<!DOCTYPE html><html><body><div></div></body></html>", news_report_template)
    assert draft.problems and "copy the article's text" in draft.problems[0]


def test_too_long_a_text_is_refused_without_talk_of_appendices(news_report_template):
    draft = parse("Title\n\n" + "word " * 70_000, news_report_template)
    assert "is it one story" in draft.problems[0]


# --- import_story run twice ---


def import_file(path, *options):
    call_command("import_story", str(path), "--template", "news-report", *options)


@pytest.fixture
def copy_file(tmp_path, news_report_template):
    path = tmp_path / "pier.txt"
    path.write_text(f"Pier closes for winter\n\nPARIS (AFP) – {BODY}\n", encoding="utf-8")
    return path


def test_importing_the_same_text_twice_says_the_story_exists(copy_file, capsys):
    import_file(copy_file)
    with pytest.raises(CommandError, match="exists.*--update.*--new"):
        import_file(copy_file)
    assert Story.objects.count() == 1


def test_new_imports_a_separate_draft(copy_file):
    import_file(copy_file)
    import_file(copy_file, "--new")
    assert Story.objects.count() == 2


def test_update_replaces_the_drafts_text_through_the_services(copy_file, capsys):
    import_file(copy_file)
    story = Story.objects.get()
    copy_file.write_text(f"Pier closes for winter\n\nPARIS (AFP) – Crews left. {BODY}\n")
    import_file(copy_file, "--update")
    story.refresh_from_db()
    assert Story.objects.count() == 1
    assert story.sections.get(key="body").body.startswith("Crews left.")
    assert story.version > 1
    assert "Updated “Pier closes for winter”" in capsys.readouterr().out


def test_update_is_refused_for_a_story_no_longer_a_draft(copy_file, journalist):
    import_file(copy_file, "--by", journalist.username)
    story = Story.objects.get()
    Story.objects.filter(pk=story.pk).update(status="in_review")
    with pytest.raises(CommandError, match="no longer a draft"):
        import_file(copy_file, "--update")


def test_update_without_an_existing_story_says_so(copy_file):
    with pytest.raises(CommandError, match="nothing to update"):
        import_file(copy_file, "--update")


def test_language_can_be_given_to_the_command(copy_file, capsys):
    import_file(copy_file, "--language", "en-GB")
    assert Story.objects.get().language == "en-GB"
