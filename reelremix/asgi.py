"""ASGI entry point: HTTP through Django (django-tenants routes by host; see reelremix.http_routing for
which of Django's handlers runs a request), WebSockets through Channels."""

import os
import threading

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
django_asgi_app = get_asgi_application()  # sets Django up before the imports below touch models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from reelremix.http_routing import HttpRouter  # noqa: E402
from reelremix.routing import websocket_urlpatterns  # noqa: E402
from tenants.channels import TenantAuthMiddleware  # noqa: E402

# Import every view now, not on the first request: a process accepts connections once this module is loaded.
for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
    get_resolver(urlconf).reverse_dict  # noqa: B018  (the lookup populates the resolver)

if settings.PRELOAD_SEARCH_MODEL:
    # A web process embeds search queries: load the model now, in the background, rather than on the
    # first search (seconds, with torch's start-up).
    from gpu_worker.embeddings import get_text_embedder

    threading.Thread(target=get_text_embedder, name="preload-search-model", daemon=True).start()

application = ProtocolTypeRouter(
    {
        "http": HttpRouter(
            django_asgi_app, get_wsgi_application(), settings.HTTP_CONCURRENCY, settings.HTTP_DOWNLOAD_THREADS
        ),
        "websocket": AllowedHostsOriginValidator(TenantAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
