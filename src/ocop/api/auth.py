"""Back-office authentication: a personal API token in the
``Authorization: Bearer …`` header (``accounts.domain.api_tokens``).

The token's person becomes ``request.user`` with their scope narrowed to the
token's roles, so every read goes through the same ``visible_to`` queries
as the pages (an object outside it answers 404) and every write through the
same domain functions. ``token_write`` also requires a token that may write
(403 otherwise). Each use is recorded by ``http.api_view`` with its status.
"""

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from ocop.accounts.domain.api_tokens import token_for_secret


class TokenAuth(HttpBearer):
    def __init__(self, *, write: bool = False):
        super().__init__()
        self.write = write

    def authenticate(self, request, token: str):
        found = token_for_secret(token.strip())
        if found is None:
            return None
        request.user = found.user
        request.api_token = found
        if self.write and not found.can_write:
            raise HttpError(403, _("This token may only read."))
        return found.user


token_read = TokenAuth()
token_write = TokenAuth(write=True)
