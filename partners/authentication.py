"""Who is calling the partner API: a partner's key, sent as `Authorization: Api-Key <key>`."""

from dataclasses import dataclass
from typing import ClassVar

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_api_key.permissions import KeyParser

from partners.models import Partner, PartnerKey


@dataclass(frozen=True)
class PartnerClient:
    """Stands in for `request.user` on partner requests: a partner, not a newsroom account."""

    partner: Partner
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False
    is_staff: ClassVar[bool] = False

    def __str__(self):
        return f"partner {self.partner.name}"


class PartnerKeyAuthentication(BaseAuthentication):
    """A partner's hashed API key (djangorestframework-api-key), checked in one query."""

    keyword = KeyParser.keyword
    key_parser = KeyParser()

    def authenticate(self, request):
        key = self.key_parser.get(request)
        if not key:
            return None
        try:
            api_key = PartnerKey.objects.get_from_key(key.strip())
        except PartnerKey.DoesNotExist:
            api_key = None
        if api_key is None or api_key.has_expired:
            raise AuthenticationFailed(
                "This API key is not valid: it is unknown, revoked or expired, or the partner "
                "has been deactivated. Ask the newsroom for a new key."
            )
        return PartnerClient(api_key.partner), api_key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) with WWW-Authenticate when the key is missing.
        return self.keyword
