"""What journalists see of their colleagues: names for bylines, never the account list."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["journalist", "editor"])
def test_staff_without_account_powers_cannot_list_or_open_accounts(client, role):
    person = getattr(factories, role)(username="jo")
    colleague = factories.journalist(username="kim", email="kim@newsdesk.invalid")
    client.force_login(person)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_change", args=[colleague.pk])).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:auth_user_changelist") not in index


def test_a_journalist_still_finds_a_colleague_by_name_for_the_byline_not_by_email(client):
    person = factories.journalist(username="jo")
    factories.journalist(username="kim", first_name="Kim", email="secret-kim@newsdesk.invalid")
    client.force_login(person)
    url = reverse("admin:autocomplete")
    params = {"app_label": "stories", "model_name": "byline", "field_name": "user"}
    found = client.get(url, {**params, "term": "Kim"})
    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["kim"]
    by_email = client.get(url, {**params, "term": "secret-kim"})
    assert by_email.json()["results"] == []


def test_an_account_manager_sees_the_accounts(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
