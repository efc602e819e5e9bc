"""The old address of "my tasks": the work queue now gathers every app's
items (``ocop.site.queue``); links sent before keep working."""

from django.shortcuts import redirect
from django.views.decorators.http import require_safe


@require_safe
def my_tasks(request):
    return redirect("site:queue", permanent=True)
