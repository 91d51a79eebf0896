"""The webhooks pages: members see the endpoints and their delivery logs; administrators add (the secret
shown once), edit, switch off, delete, resend and send a test event; bad input is refused with a reason;
another tenant's endpoints are out of sight and out of reach. No worker runs here."""

from __future__ import annotations

from django.test import Client
from django_tenants.utils import schema_context

from conftest import client_for
from webhooks.models import Delivery, Endpoint, Event
from webhooks.tests.factories import make_endpoint

URL = "http://127.0.0.1:9/hook"  # private hosts are allowed in tests; nothing is sent here


def _endpoints(tenant) -> list[Endpoint]:
    with schema_context(tenant.schema_name):
        return list(Endpoint.objects.order_by("id"))


def _add(client: Client, url: str = URL, events: tuple[str, ...] = ("job.succeeded",)):
    return client.post(
        "/webhooks/new/", {"url": url, "events": list(events), "description": "CRM", "active": "on"}
    )


def test_it_adds_an_endpoint_and_shows_its_secret_once(staff):
    client = client_for(staff.alice)
    response = _add(client, events=("job.succeeded", "case.decided"))
    [endpoint] = _endpoints(staff.acme)
    assert response.status_code == 200 and endpoint.secret in response.content.decode()
    assert endpoint.events == ["job.succeeded", "case.decided"] and endpoint.created_by == staff.alice.user
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) == 54
    for page in ("/webhooks/", f"/webhooks/{endpoint.pk}/"):
        shown = client.get(page)
        assert shown.status_code == 200 and URL in shown.content.decode()
        assert endpoint.secret not in shown.content.decode()


def test_it_lets_members_look_but_not_change(staff):
    endpoint = make_endpoint(staff.acme, URL)
    bob = client_for(staff.bob)
    listing = bob.get("/webhooks/").content.decode()
    assert URL in listing and "Only the site's administrators" in listing and "Add an endpoint" not in listing
    assert "Resend" not in bob.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert _add(bob).status_code == 403
    form = {"url": "http://127.0.0.1:9/other", "events": ["job.failed"]}
    assert bob.post(f"/webhooks/{endpoint.pk}/edit/", form).status_code == 403
    assert bob.post(f"/webhooks/{endpoint.pk}/delete/").status_code == 403
    assert bob.post(f"/webhooks/{endpoint.pk}/ping/").status_code == 403
    assert [(e.url, e.events) for e in _endpoints(staff.acme)] == [(URL, ["job.succeeded"])]


def test_it_refuses_bad_input_with_a_reason(staff, settings):
    client = client_for(staff.alice)
    bad_url = _add(client, url="ftp://example.com/hook")
    assert bad_url.status_code == 400 and "Enter a full http:// or https:// URL." in bad_url.content.decode()
    unknown = _add(client, events=("video.deleted",))
    assert unknown.status_code == 400 and "not one of the available choices" in unknown.content.decode()
    assert _add(client, events=()).status_code == 400
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    private = _add(client, url="http://10.0.0.5/hook")
    assert private.status_code == 400 and "only sends webhooks to public hosts" in private.content.decode()
    assert _endpoints(staff.acme) == []


def test_it_edits_the_events_and_switches_an_endpoint_off(staff):
    endpoint = make_endpoint(staff.acme, URL)
    client = client_for(staff.alice)
    form = {"url": URL, "events": ["job.failed", "clip.ready"], "description": "alerts"}  # "active" unticked
    response = client.post(f"/webhooks/{endpoint.pk}/edit/", form)
    assert response.status_code == 302
    [edited] = _endpoints(staff.acme)
    assert (edited.events, edited.active, edited.description) == (
        ["job.failed", "clip.ready"],
        False,
        "alerts",
    )
    bad = client.post(f"/webhooks/{endpoint.pk}/edit/", {**form, "events": ["nope"]})
    assert bad.status_code == 400 and _endpoints(staff.acme)[0].events == ["job.failed", "clip.ready"]


def test_it_deletes_an_endpoint_with_its_log(staff):
    endpoint = make_endpoint(staff.acme, URL)
    with schema_context(staff.acme.schema_name):
        Delivery.objects.create(endpoint=endpoint, event="ping", payload={})
    assert client_for(staff.alice).post(f"/webhooks/{endpoint.pk}/delete/").status_code == 302
    with schema_context(staff.acme.schema_name):
        assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_it_pages_the_delivery_log_newest_first(staff, django_assert_max_num_queries):
    endpoint = make_endpoint(staff.acme, URL)
    with schema_context(staff.acme.schema_name):
        Delivery.objects.bulk_create(
            Delivery(endpoint=endpoint, event=Event.JOB_SUCCEEDED, payload={"n": n}) for n in range(30)
        )
        newest_first = list(Delivery.objects.values_list("event_id", flat=True))
    client = client_for(staff.alice)
    with django_assert_max_num_queries(12):
        first = client.get(f"/webhooks/{endpoint.pk}/").content.decode()
    second = client.get(f"/webhooks/{endpoint.pk}/?page=2").content.decode()
    assert first.count('class="delivery-row"') == 25 and second.count('class="delivery-row"') == 5
    assert str(newest_first[0]) in first and str(newest_first[-1]) in second and "Page 1 of 2" in first


def test_it_resends_a_delivery_and_sends_a_test_event(staff):
    endpoint = make_endpoint(staff.acme, URL)
    with schema_context(staff.acme.schema_name):
        failed = Delivery.objects.create(
            endpoint=endpoint, event=Event.JOB_SUCCEEDED, payload={"data": 1}, state=Delivery.State.FAILED,
            attempts=12,
        )  # fmt: skip
    client = client_for(staff.alice)
    assert client.post(f"/webhooks/deliveries/{failed.pk}/resend/").status_code == 302
    assert client.post(f"/webhooks/{endpoint.pk}/ping/").status_code == 302
    with schema_context(staff.acme.schema_name):
        ping, again, _ = Delivery.objects.all()
    assert (again.event_id, again.payload, again.state, again.attempts) == (
        failed.event_id,
        {"data": 1},
        "pending",
        0,
    )
    assert ping.event == ping.payload["event"] == "ping" and ping.payload["data"]["endpoint"] == endpoint.pk


def test_it_checks_tenant(staff):
    endpoint = make_endpoint(staff.acme, URL)
    with schema_context(staff.acme.schema_name):
        delivery = Delivery.objects.create(endpoint=endpoint, event="ping", payload={})
    charlie = client_for(staff.charlie)  # an administrator, of globex
    assert URL not in charlie.get("/webhooks/").content.decode()
    assert charlie.get(f"/webhooks/{endpoint.pk}/").status_code == 404
    edit = {"url": "http://127.0.0.1:9/stolen", "events": ["job.failed"]}
    assert charlie.post(f"/webhooks/{endpoint.pk}/edit/", edit).status_code == 404
    assert charlie.post(f"/webhooks/{endpoint.pk}/delete/").status_code == 404
    assert charlie.post(f"/webhooks/{endpoint.pk}/ping/").status_code == 404
    assert charlie.post(f"/webhooks/deliveries/{delivery.pk}/resend/").status_code == 404
    on_acme = client_for(staff.charlie, host=staff.alice.host)  # his session means nothing on acme's site
    assert on_acme.get(f"/webhooks/{endpoint.pk}/").status_code == 302
    assert on_acme.post(f"/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert [(e.url, e.events) for e in _endpoints(staff.acme)] == [(URL, ["job.succeeded"])]
    with schema_context(staff.acme.schema_name):
        assert Delivery.objects.count() == 1
