"""/api/v1/webhooks/: endpoints (the secret only in the answer that creates one), each one's deliveries,
Resend and a test event; members read, administrators change; bad input is a 400 naming the field;
another tenant's endpoints do not exist here. No worker runs here."""

from __future__ import annotations

from django.test import Client
from django_tenants.utils import schema_context

from webhooks.models import Delivery, Endpoint, Event
from webhooks.tests.factories import make_endpoint

URL = "http://127.0.0.1:9/hook"
API = "/api/v1/webhooks/"


def _api(persona, host: str | None = None) -> Client:
    return Client(HTTP_HOST=host or persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _create(persona, **fields):
    body = {"url": URL, "events": ["job.succeeded"], **fields}
    return _api(persona).post(API, body, content_type="application/json")


def test_it_creates_an_endpoint_and_answers_its_secret_once(staff):
    response = _create(staff.alice, description="CRM", events=["clip.ready", "recap.ready"])
    assert response.status_code == 201, response.content
    body = response.json()
    with schema_context(staff.acme.schema_name):
        endpoint = Endpoint.objects.get()
    assert body["secret"] == endpoint.secret and endpoint.events == ["clip.ready", "recap.ready"]
    assert (body["url"], body["description"], body["active"]) == (URL, "CRM", True)
    listed = _api(staff.alice).get(API).json()
    assert [e["id"] for e in listed["results"]] == [endpoint.pk] and "secret" not in listed["results"][0]
    assert "secret" not in _api(staff.alice).get(f"{API}{endpoint.pk}/").json()


def test_it_refuses_bad_input_naming_the_field(staff, settings):
    assert "url" in _create(staff.alice, url="not a url").json()["error"]["details"]
    assert "url" in _create(staff.alice, url="gopher://example.com/").json()["error"]["details"]
    unknown = _create(staff.alice, events=["job.succeeded", "video.deleted"])
    assert unknown.status_code == 400 and "video.deleted" in str(unknown.json()["error"]["details"]["events"])
    assert "events" in _create(staff.alice, events=[]).json()["error"]["details"]
    assert "active" in _create(staff.alice, active=0).json()["error"]["details"]  # JSON's false, not 0
    assert "description" in _create(staff.alice, description=7).json()["error"]["details"]
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    private = _create(staff.alice, url="http://169.254.169.254/latest/")
    assert private.status_code == 400 and "public hosts" in str(private.json()["error"]["details"]["url"])
    with schema_context(staff.acme.schema_name):
        assert not Endpoint.objects.exists()


def test_it_changes_and_deletes_an_endpoint(staff):
    endpoint = make_endpoint(staff.acme, URL)
    api = _api(staff.alice)
    changed = api.patch(
        f"{API}{endpoint.pk}/", {"events": ["job.failed"], "active": False}, "application/json"
    )
    assert changed.status_code == 200 and (changed.json()["events"], changed.json()["active"]) == (
        ["job.failed"],
        False,
    )
    assert api.patch(f"{API}{endpoint.pk}/", {"events": ["nope"]}, "application/json").status_code == 400
    with schema_context(staff.acme.schema_name):
        assert Endpoint.objects.get().events == ["job.failed"]
    assert api.delete(f"{API}{endpoint.pk}/").status_code == 204
    with schema_context(staff.acme.schema_name):
        assert not Endpoint.objects.exists()


def test_it_lets_members_read_but_not_change(staff):
    endpoint = make_endpoint(staff.acme, URL)
    bob = _api(staff.bob)
    assert bob.get(API).json()["count"] == 1
    assert bob.get(f"{API}{endpoint.pk}/deliveries/").status_code == 200
    assert _create(staff.bob).status_code == 403
    assert bob.patch(f"{API}{endpoint.pk}/", {"active": False}, "application/json").status_code == 403
    assert bob.delete(f"{API}{endpoint.pk}/").status_code == 403
    assert bob.post(f"{API}{endpoint.pk}/ping/").status_code == 403
    with schema_context(staff.acme.schema_name):
        assert Endpoint.objects.get().active and not Delivery.objects.exists()


def test_it_lists_deliveries_newest_first_and_resends_one(staff):
    endpoint = make_endpoint(staff.acme, URL)
    with schema_context(staff.acme.schema_name):
        old, new = (
            Delivery.objects.create(endpoint=endpoint, event=Event.JOB_SUCCEEDED, payload={"n": n})
            for n in (1, 2)
        )
    api = _api(staff.alice)
    listed = api.get(f"{API}{endpoint.pk}/deliveries/?page_size=1").json()
    assert listed["count"] == 2 and [d["id"] for d in listed["results"]] == [new.pk]
    assert listed["results"][0]["payload"] == {"n": 2} and listed["next"]
    again = api.post(f"{API}{endpoint.pk}/deliveries/{old.pk}/resend/")
    assert again.status_code == 202
    assert (again.json()["event_id"], again.json()["state"]) == (str(old.event_id), "pending")
    ping = api.post(f"{API}{endpoint.pk}/ping/")
    assert ping.status_code == 202 and ping.json()["event"] == "ping"


def test_it_checks_tenant(staff):
    endpoint = make_endpoint(staff.acme, URL)
    with schema_context(staff.acme.schema_name):
        delivery = Delivery.objects.create(endpoint=endpoint, event="ping", payload={})
    charlie = _api(staff.charlie)  # an administrator, of globex
    assert charlie.get(API).json()["count"] == 0
    assert charlie.get(f"{API}{endpoint.pk}/").status_code == 404
    assert charlie.get(f"{API}{endpoint.pk}/deliveries/").status_code == 404
    assert (
        charlie.patch(f"{API}{endpoint.pk}/", {"url": "http://127.0.0.1:9/x"}, "application/json").status_code
        == 404
    )
    assert charlie.delete(f"{API}{endpoint.pk}/").status_code == 404
    assert charlie.post(f"{API}{endpoint.pk}/deliveries/{delivery.pk}/resend/").status_code == 404
    assert (
        _api(staff.charlie, host=staff.alice.host).get(API).status_code == 401
    )  # his token means nothing here
    with schema_context(staff.acme.schema_name):
        assert Endpoint.objects.get().url == URL and Delivery.objects.count() == 1
