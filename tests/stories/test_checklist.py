"""The checklist as the desk uses it: the same counts everywhere, and warnings an editor
accepts (with a note) stay quiet until the text they are about changes."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from stories import checks, services, workflow
from stories.models import CheckAcknowledgement
from tests import factories
from tests.stories.test_admin import _form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    author = factories.journalist(username="jo")
    story = factories.story(by=author, citations=2)
    section = story.sections.get(key="forecast")
    services.story_update(
        story=story,
        by=author,
        changes=services.StoryChanges(
            saved=[services.PartChange(part=_with_body(section, "The zorbulan drills start."))]
        ),
    )
    return {"author": author, "editor": factories.editor(username="eddie"), "story": story}


def _with_body(section, body):
    section.body = body
    return section


def unknown_word(story):
    return next(f for f in services.story_checklist(story)["open"] if f.code == "unknown-word")


def test_an_accepted_warning_is_quiet_until_its_text_changes(desk):
    story, editor = desk["story"], desk["editor"]
    before = services.story_checklist(story)
    warning = unknown_word(story)
    services.story_warning_accept(
        story=story, by=editor, fingerprint=warning.fingerprint, note="A real name."
    )
    after = services.story_checklist(story)
    assert after["warnings"] == before["warnings"] - 1
    assert [(f.code, a.note, a.by) for f, a in after["accepted"]] == [
        ("unknown-word", "A real name.", editor)
    ]
    # The text changes: the warning's wording changes, and it is back.
    section = story.sections.get(key="forecast")
    services.story_update(
        story=story,
        by=desk["author"],
        changes=services.StoryChanges(
            saved=[services.PartChange(part=_with_body(section, "The zorbulans drill again."))]
        ),
    )
    story.refresh_from_db()
    assert any(f.code == "unknown-word" for f in services.story_checklist(story)["open"])


def test_only_an_editor_who_did_not_write_it_accepts_and_only_with_a_note(desk):
    story = desk["story"]
    warning = unknown_word(story)
    with pytest.raises(workflow.TransitionForbidden):
        services.story_warning_accept(
            story=story, by=desk["author"], fingerprint=warning.fingerprint, note="Mine."
        )
    with pytest.raises(workflow.TransitionRefused, match="Say why"):
        services.story_warning_accept(
            story=story, by=desk["editor"], fingerprint=warning.fingerprint, note="  "
        )
    bare = factories.story(by=desk["author"], fill_sections=False)
    error = next(f for f in services.story_checklist(bare)["open"] if f.severity == "error")
    with pytest.raises(workflow.TransitionRefused, match="Errors cannot be accepted"):
        services.story_warning_accept(
            story=bare, by=desk["editor"], fingerprint=error.fingerprint, note="Fine."
        )
    assert not CheckAcknowledgement.objects.exists()


def test_accept_and_reopen_from_the_story_page(client, desk):
    story, editor = desk["story"], desk["editor"]
    warning = unknown_word(story)
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    assert f'data-fingerprint="{warning.fingerprint}"' in page and "Accept…" in page
    url = reverse("desk:story-warning-accept", args=[story.pk])
    response = client.post(url, {"fingerprint": warning.fingerprint, "note": "A real name."})
    assert response.status_code == 302 and response["Location"].endswith("#checklist")
    page = client.get(change_url(story)).content.decode()
    assert "1 accepted warning" in page and "A real name." in page
    client.post(
        reverse("desk:story-warning-reopen", args=[story.pk]),
        {"fingerprint": warning.fingerprint},
    )
    assert not CheckAcknowledgement.objects.exists()
    client.force_login(desk["author"])
    refused = client.post(url, {"fingerprint": warning.fingerprint, "note": "Mine."})
    assert refused.status_code == 403


def test_the_message_after_a_save_counts_what_the_panel_counts(client, desk):
    story = desk["story"]
    # Two warnings, one of them accepted: neither the panel nor the message counts that one.
    section = story.sections.get(key="whats-happened")
    services.story_update(
        story=story,
        by=desk["author"],
        changes=services.StoryChanges(
            saved=[services.PartChange(part=_with_body(section, "The the navy sailed."))]
        ),
    )
    story.refresh_from_db()
    warning = unknown_word(story)
    services.story_warning_accept(
        story=story, by=desk["editor"], fingerprint=warning.fingerprint, note="A real name."
    )
    client.force_login(desk["author"])
    data = _form_data(client.get(change_url(story)))
    data["summary"] = "A new summary."
    response = client.post(change_url(story), {**data, "_continue": "Save"}, follow=True)
    shown = [str(m) for m in get_messages(response.wsgi_request)] or [
        m.message for m in response.context["messages"]
    ]
    checklist = services.story_checklist(story)
    assert checklist["warnings"] == 1 and len(checklist["accepted"]) == 1
    assert checks.findings_summary(checklist["open"]) in shown
    assert f"{checklist['warnings']} to look at" in checks.findings_summary(checklist["open"])
    header = f"Checklist · {checklist['warnings']} to look at"
    assert header in response.content.decode()
