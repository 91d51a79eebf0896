"""A local stand-in for the parts of Stripe's API that ReelRemix calls, spoken over real HTTP to the real
`stripe` client: form-encoded requests in, Stripe's JSON shapes out, Bearer key checked. It also plays
Stripe's side of a payment (completing a Checkout Session) and signs webhooks with Stripe's scheme."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

THIRTY_DAYS = 30 * 24 * 3600


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(8)}"


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding back to objects: a[b][0][c]=v -> {"a": {"b": [{"c": "v"}]}}."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


class FakeStripe:
    """State of the fake account; `requests` records (method, path, params) of every call."""

    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key
        self.customers: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        # Called first thing for every request, on the server's thread: a test's look at the world
        # while Stripe is being called.
        self.on_request: Callable[[str, str], None] | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the API ---------------------------------------------------------------------------
    def handle(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append((method, path, params))
        if self.on_request:
            self.on_request(method, path)
        routes: list[tuple[str, str, Callable[..., tuple[int, dict[str, Any]]]]] = [
            ("POST", r"/v1/customers", self._create_customer),
            ("POST", r"/v1/checkout/sessions", self._create_session),
            ("POST", r"/v1/billing_portal/sessions", self._create_portal_session),
            ("GET", r"/v1/subscriptions/(?P<id>[\w-]+)", self._get_subscription),
            ("DELETE", r"/v1/subscriptions/(?P<id>[\w-]+)", self._cancel_subscription),
            ("DELETE", r"/v1/customers/(?P<id>[\w-]+)", self._delete_customer),
        ]
        for verb, pattern, view in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return view(params, **match.groupdict())
        return _error(404, f"Unrecognized request URL ({method}: {path}).")

    def _create_customer(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        customer = {
            "id": _new_id("cus"),
            "object": "customer",
            "created": int(time.time()),
            "livemode": False,
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata", {}),
        }
        self.customers[customer["id"]] = customer
        return 200, customer

    def _create_session(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if params.get("customer") not in self.customers:
            return _error(400, f"No such customer: '{params.get('customer')}'", param="customer")
        if params.get("mode") != "subscription" or not params.get("line_items"):
            return _error(400, "Missing required param: line_items.", param="line_items")
        session_id = _new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "customer": params["customer"],
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "payment_status": "unpaid",
            "subscription": None,
            "livemode": False,
            "_line_items": params["line_items"],
            "_subscription_data": params.get("subscription_data", {}),
        }
        self.sessions[session_id] = session
        return 200, _public(session)

    def _create_portal_session(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if params.get("customer") not in self.customers:
            return _error(400, f"No such customer: '{params.get('customer')}'", param="customer")
        portal_id = _new_id("bps")
        return 200, {
            "id": portal_id,
            "object": "billing_portal.session",
            "customer": params["customer"],
            "return_url": params.get("return_url"),
            "url": f"https://billing.stripe.test/p/session/{portal_id}",
            "livemode": False,
            "created": int(time.time()),
        }

    def _get_subscription(self, params: dict[str, Any], id: str) -> tuple[int, dict[str, Any]]:
        if id not in self.subscriptions:
            return _error(404, f"No such subscription: '{id}'", param="id")
        return 200, self.subscriptions[id]

    def _delete_customer(self, params: dict[str, Any], id: str) -> tuple[int, dict[str, Any]]:
        if self.customers.pop(id, None) is None:
            return _error(404, f"No such customer: '{id}'", param="id")
        now = int(time.time())
        for subscription in self.subscriptions.values():  # Stripe cancels a deleted customer's subscriptions
            if subscription["customer"] == id and subscription["status"] != "canceled":
                subscription.update(status="canceled", canceled_at=now, ended_at=now)
        return 200, {"id": id, "object": "customer", "deleted": True}

    def _cancel_subscription(self, params: dict[str, Any], id: str) -> tuple[int, dict[str, Any]]:
        if id not in self.subscriptions:
            return _error(404, f"No such subscription: '{id}'", param="id")
        now = int(time.time())
        self.subscriptions[id].update(status="canceled", canceled_at=now, ended_at=now)
        return 200, self.subscriptions[id]

    # --- Stripe's side of a payment ----------------------------------------------------------
    def add_subscription(
        self,
        customer: str,
        price: str,
        *,
        status: str = "active",
        created: int | None = None,
        metadata: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        created = int(time.time()) if created is None else created
        subscription = {
            "id": _new_id("sub"),
            "object": "subscription",
            "customer": customer,
            "status": status,
            "created": created,
            "metadata": metadata or {},
            "canceled_at": None,
            "ended_at": None,
            "cancel_at_period_end": False,
            "livemode": False,
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": _new_id("si"),
                        "object": "subscription_item",
                        "quantity": 1,
                        "price": {"id": price, "object": "price"},
                        "current_period_start": created,
                        "current_period_end": created + THIRTY_DAYS,
                    }
                ],
            },
        }
        self.subscriptions[str(subscription["id"])] = subscription
        return subscription

    def complete_checkout(self, session_id: str) -> list[dict[str, Any]]:
        """The customer paid: the subscription exists; returns the events Stripe would send."""
        session = self.sessions[session_id]
        metadata = session["_subscription_data"].get("metadata", {})
        subscription = self.add_subscription(
            session["customer"], session["_line_items"][0]["price"], metadata=metadata
        )
        session.update(status="complete", payment_status="paid", subscription=subscription["id"])
        return [
            event("customer.subscription.created", subscription),
            event("checkout.session.completed", _public(session)),
        ]

    def session_for(self, tenant_schema: str) -> dict[str, Any]:
        return next(s for s in reversed(self.sessions.values()) if s["client_reference_id"] == tenant_schema)


def event(event_type: str, obj: dict[str, Any], created: int | None = None) -> dict[str, Any]:
    """A v1 snapshot event as Stripe posts it to a webhook endpoint."""
    return {
        "id": _new_id("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()) if created is None else created,
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": json.loads(json.dumps(obj))},
    }


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if not key.startswith("_")}


def _error(status: int, message: str, param: str | None = None) -> tuple[int, dict[str, Any]]:
    code = "resource_missing" if status == 404 or "No such" in message else "parameter_missing"
    return status, {
        "error": {"type": "invalid_request_error", "code": code, "message": message, "param": param}
    }


def _handler_for(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            params = _nest(parse_qsl(body or query, keep_blank_values=True))
            if self.headers.get("Authorization") != f"Bearer {fake.secret_key}":
                status, payload = (
                    401,
                    {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}},
                )
            else:
                status, payload = fake.handle(self.command, path, params)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", _new_id("req"))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return None  # quiet test output

    return Handler
