"""Tokens are knox's: stored as digests, each with its own expiry, and stamped when used."""

import hashlib
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts import services
from accounts.models import ApiToken


def _api(token, host="acme.localhost"):
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {token}")


def test_it_stores_only_a_digest_of_the_key(world):
    with schema_context(world.acme.schema_name):
        token, key = services.do_create_token(world.alice.user, "digest", "30d")
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_apitoken WHERE uid = %s", [token.uid])
            row = cursor.fetchone()
    assert not any(key in str(value) for value in row)
    assert token.digest == hashlib.sha512(key.encode()).hexdigest()


def test_it_refuses_an_expired_token(world):
    with schema_context(world.acme.schema_name):
        token, key = services.do_create_token(world.alice.user, "old", "30d")
        ApiToken.objects.filter(uid=token.uid).update(expiry=timezone.now() - timedelta(seconds=1))
    response = _api(key).get("/api/v1/jobs/")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "authentication_failed",
        "message": "Invalid token.",
        "details": {},
    }


def test_it_refuses_a_token_of_a_deactivated_user(world):
    with schema_context(world.acme.schema_name):
        world.bob.user.is_active = False
        world.bob.user.save(update_fields=["is_active"])
    response = _api(world.bob.token).get("/api/v1/jobs/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "User inactive or deleted."


def _last_used(world, token):
    with schema_context(world.acme.schema_name):
        return ApiToken.objects.get(digest=hashlib.sha512(token.encode()).hexdigest()).last_used


def test_it_stamps_the_last_use_at_most_once_a_minute(world):
    assert _last_used(world, world.alice.token) is None
    assert _api(world.alice.token).get("/api/v1/jobs/").status_code == 200
    first = _last_used(world, world.alice.token)
    assert timezone.now() - first < timedelta(seconds=10)
    assert _api(world.alice.token).get("/api/v1/jobs/").status_code == 200
    assert _last_used(world, world.alice.token) == first  # within the minute: not written again
    with schema_context(world.acme.schema_name):
        ApiToken.objects.filter(user=world.alice.user).update(last_used=first - timedelta(minutes=2))
    assert _api(world.alice.token).get("/api/v1/jobs/").status_code == 200
    assert _last_used(world, world.alice.token) > first


def test_it_writes_nothing_for_a_token_used_within_the_minute(world, django_assert_num_queries):
    with schema_context(world.acme.schema_name):
        token = ApiToken.objects.get(user=world.alice.user)
        token.last_used = timezone.now()
        with django_assert_num_queries(0):
            services.note_token_used(token)
