from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Log in with either the username or the e-mail address (case-insensitive)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from ocop.accounts.domain.queries import account_by_login  # noqa: PLC0415 -- app ready

        if username is None or password is None:
            return None
        user = account_by_login(username)
        if user is None:
            # Run the hasher anyway so that timing does not reveal unknown accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
