"""The archived copy of a cited page, at /sources/snapshots/<id>/.

Readers see it only when the link is gone and the story citing it is published; staff see any.
The page as served is behind /raw/, sandboxed: a publisher's scripts never run on our origin.
Both are `Cache-Control: private`: what one viewer may see (staff see any) is not what the next
may, so no shared cache keeps a copy.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_sameorigin

from sources import selectors
from sources.fetching import decode_body

# No scripts, no plugins, no requests to anywhere: the archived HTML is shown as a document only.
RAW_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; form-action 'none'; frame-ancestors 'self'"
)


@cache_control(private=True)
def snapshot_detail(request, snapshot_id: int):
    snapshot = selectors.snapshot_for_viewer(snapshot_id=snapshot_id, user=request.user)
    return render(
        request,
        "sources/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "citation": snapshot.citation,
            "metadata": snapshot.metadata or {},
            "paragraphs": [p for p in snapshot.text.split("\n") if p.strip()],
        },
    )


@cache_control(private=True)
@xframe_options_sameorigin
def snapshot_raw(request, snapshot_id: int):
    snapshot = selectors.snapshot_for_viewer(snapshot_id=snapshot_id, user=request.user)
    content_type = snapshot.headers.get("content-type", "")
    response = HttpResponse(
        decode_body(snapshot.html, content_type), content_type="text/html; charset=utf-8"
    )
    response["Content-Security-Policy"] = RAW_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
