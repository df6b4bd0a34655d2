"""``POST /login`` (form: username, password): 200 with a database session, 401 otherwise
(403 from django-axes once locked). CSRF is off: an API login, like ours over HTTP."""

from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def login_view(request: HttpRequest) -> HttpResponse:
    user = authenticate(
        request,
        username=request.POST.get("username", ""),
        password=request.POST.get("password", ""),
    )
    if user is None:
        return JsonResponse({"outcome": "invalid_credentials"}, status=401)
    login(request, user)
    return JsonResponse({"outcome": "ok", "session": request.session.session_key})
