class VietnameseFirstMiddleware:
    """Serve Vietnamese unless the person chose English with the language switch.

    Django's LocaleMiddleware would otherwise follow the browser's
    Accept-Language header, and many officials' browsers and phones are set to
    English. The choice is kept in the language cookie (``set_language``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
