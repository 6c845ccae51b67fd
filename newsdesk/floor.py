"""The benchmark floor: a plain Django view returning a constant 15 KB JSON body.

Served only when NEWSDESK_BENCH_FLOOR is on (bench/api.py turns it on), so API figures can be
given as a ratio to what this machine's Django can do at all in the same run.
"""

import json

from django.http import HttpResponse

_BODY = json.dumps(
    {"items": [{"id": i, "text": "x" * 140} for i in range(95)]}, separators=(",", ":")
).encode()


def floor(request):
    return HttpResponse(_BODY, content_type="application/json")
