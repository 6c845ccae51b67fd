from django.urls import path

from newsroom import views

app_name = "newsroom"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
    path("inbox/count/", views.inbox_count, name="inbox-count"),
    path("stories/<int:story_id>/panel/", views.story_panel, name="panel"),
    path("stories/<int:story_id>/threads/", views.thread_create, name="thread-create"),
    path("stories/<int:story_id>/mentions/", views.mention_users, name="mentions"),
    path("stories/<int:story_id>/presence/", views.presence, name="presence"),
    path("stories/<int:story_id>/previews/", views.preview_create, name="preview-create"),
    path("threads/<int:thread_id>/reply/", views.thread_reply, name="reply"),
    path("threads/<int:thread_id>/resolve/", views.thread_resolve, name="resolve"),
    path("threads/<int:thread_id>/reopen/", views.thread_reopen, name="reopen"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment-delete"),
    path("previews/<int:link_id>/revoke/", views.preview_revoke, name="preview-revoke"),
]

# Outside /admin/: people without an account open these.
preview_urlpatterns = [
    path("preview/<int:link_id>/<str:token>/", views.preview_page, name="newsroom-preview"),
]
