"""Send partner API reads to a read replica, everything else to the primary.

Only GET/HEAD requests under /api/ read from the replica: partners tolerate a second of
replication lag, while an editor who just pressed Publish must see their own write.
"""

import contextvars

REPLICA = "replica"
_use_replica = contextvars.ContextVar("newsdesk_use_replica", default=False)

REPLICA_PATH_PREFIXES = ("/api/",)


class ReplicaRouter:
    """Reads inside a partner API request go to `replica`; all writes and migrations to `default`."""

    def db_for_read(self, model, **hints):
        return REPLICA if _use_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PartnerReadsOnReplicaMiddleware:
    """Marks partner API reads so the router sends their queries to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(REPLICA_PATH_PREFIXES):
            token = _use_replica.set(True)
            try:
                return self.get_response(request)
            finally:
                _use_replica.reset(token)
        return self.get_response(request)
