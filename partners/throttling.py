"""Per-partner request limits."""

from rest_framework.throttling import SimpleRateThrottle


class PartnerRateThrottle(SimpleRateThrottle):
    """Each partner's own requests per minute, across all its keys.

    Counted in Django's default cache, which is Redis when `REDIS_URL` is set, so every web
    process shares one count per partner. Over the limit: 429 with `Retry-After`.
    """

    scope = "partner"

    def __init__(self):
        # The rate is the partner's, set per request; there is no rate in settings to read.
        self.rate = None

    def allow_request(self, request, view):
        partner = getattr(request.auth, "partner", None)
        if partner is None:
            return True
        self.rate = f"{partner.rate_per_minute}/min"
        self.num_requests, self.duration = partner.rate_per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return f"throttle:partner:{request.auth.partner_id}"
