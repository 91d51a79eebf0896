"""Password reset by email, per tenant host: the link points at the tenant's host, and a user of one
tenant cannot reset through another."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

NEW_PASSWORD = "a brand new pass phrase 7"


def _ask(host: str, email: str) -> None:
    response = Client(HTTP_HOST=host).post("/accounts/reset/", {"email": email})
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/sent/"


def _link(host: str) -> str:
    (message,) = mail.outbox
    found = re.search(rf"http://{re.escape(host)}(/accounts/reset/\S+/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def _set_password(client: Client, link: str):
    form = client.get(link, follow=True)  # Django swaps the token for a session and redirects
    path = form.redirect_chain[-1][0] if form.redirect_chain else link
    return client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_it_resets_a_password_through_a_link_to_the_tenants_host(world):
    _ask(world.alice.host, "alice@example.com")
    link = _link(world.alice.host)
    client = Client(HTTP_HOST=world.alice.host)
    response = _set_password(client, link)
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    with schema_context(world.acme.schema_name):
        assert User.objects.get(pk=world.alice.user.pk).check_password(NEW_PASSWORD)
    assert "This link is not valid" in client.get(link, follow=True).content.decode()  # used once


def test_it_checks_tenant_a_user_of_acme_cannot_ask_at_globex(world):
    _ask(world.charlie.host, "alice@example.com")  # the same answer, so addresses are not revealed
    assert mail.outbox == []


def test_it_checks_tenant_an_acme_link_does_nothing_at_globex(world):
    _ask(world.alice.host, "alice@example.com")
    link = _link(world.alice.host)
    response = _set_password(Client(HTTP_HOST=world.charlie.host), link)
    assert "This link is not valid" in response.content.decode()
    with schema_context(world.globex.schema_name):
        assert not User.objects.get(pk=world.charlie.user.pk).check_password(NEW_PASSWORD)


def test_it_says_a_forged_link_is_not_valid(world):
    page = Client(HTTP_HOST=world.alice.host).get("/accounts/reset/MQ/forged-token/").content.decode()
    assert "This link is not valid: it was used already, it expired, or it is for another site." in page


def test_it_offers_the_reset_on_the_login_page(world):
    page = Client(HTTP_HOST=world.alice.host).get("/accounts/login/").content.decode()
    assert 'href="/accounts/reset/"' in page
