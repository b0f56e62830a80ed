from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from . import policies
from .services import user_password_set


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # No open sign-up: officers create accounts for the people they supervise.
        return False

    def set_password(self, user, password: str) -> None:
        """Password changes and resets go through the service: the old tokens end."""

        user_password_set(user=user, password=password)

    def get_password_change_redirect_url(self, request) -> str:
        """After replacing a one-time code the person goes on to their work."""
        return self.get_login_redirect_url(request)

    def get_login_redirect_url(self, request) -> str:
        """Each role lands on its work: team leaders on the field app (whatever the screen),
        officers on their area's home page. A ``?next=`` page still wins (allauth)."""
        if policies.works_in_the_field(request.user):
            return reverse("field:home")
        return super().get_login_redirect_url(request)
