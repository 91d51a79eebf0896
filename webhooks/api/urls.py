from rest_framework.routers import DefaultRouter

from webhooks.api.views import EndpointViewSet

router = DefaultRouter()
router.register("webhooks", EndpointViewSet, basename="webhook")
urlpatterns = router.urls
