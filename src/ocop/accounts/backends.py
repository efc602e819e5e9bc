from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Log in with either the username or the e-mail address (case-insensitive)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user_model = get_user_model()
        login = username.strip()
        if "@" in login:
            candidates = list(user_model.objects.filter(email__iexact=login)[:2])
            user = candidates[0] if len(candidates) == 1 else None
        else:
            user = user_model.objects.filter(username__iexact=login).first()
        if user is None:
            # Run the hasher anyway so that timing does not reveal unknown accounts.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
