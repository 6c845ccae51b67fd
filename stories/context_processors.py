from django.conf import settings


def newsroom(request):
    return {"site_name": settings.NEWSDESK_SITE_NAME}
