"""Who may read the partner API."""

from rest_framework.permissions import BasePermission

from partners.models import PartnerKey


class IsPartner(BasePermission):
    """The request carries a valid key of an active partner."""

    message = "Send your partner key as `Authorization: Api-Key <key>`."

    def has_permission(self, request, view):
        return isinstance(request.auth, PartnerKey)
