from django.http import HttpRequest


def current_tenant(request: HttpRequest) -> dict:
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": getattr(request, "membership", None),
    }
