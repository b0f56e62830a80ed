"""The project's URLs plus this app's, for view tests until the project includes them."""

from django.urls import include, path

from thainguyen_portal.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "citizens" for p in urlpatterns):
    urlpatterns.append(path("households/", include("citizens.urls")))
