from django import forms
from django.urls import reverse
from django.utils.http import urlencode


class UnitPickerWidget(forms.Widget):
    """A search box for administrative units (accent-insensitive, via htmx)
    that fills a hidden input with the chosen unit's id. ``search_url`` names
    the view that answers the search (``geo.views.render_unit_search``)."""

    template_name = "geo/widgets/unit_picker.html"

    def __init__(self, attrs=None, *, search_params=None, search_url="geo:unit_search"):
        super().__init__(attrs)
        self.search_params = search_params or {}
        self.search_url = search_url

    def get_context(self, name, value, attrs):
        from ocop.geo.models import AdminUnit  # noqa: PLC0415 -- circular import

        context = super().get_context(name, value, attrs)
        label = ""
        pk = unit_id(value)
        if pk is not None:
            unit = AdminUnit.objects.select_related("parent").filter(pk=pk).first()
            label = str(unit) if unit else ""
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        params = {**self.search_params, "target": widget_id}
        context["widget"].update(
            {
                "label": label,
                "search_url": f"{reverse(self.search_url)}?{urlencode(params)}",
                "widget_id": widget_id,
            }
        )
        return context

    def id_for_label(self, id_):
        # The label names the search box people type in, not the hidden input.
        return f"{id_}_search" if id_ else id_

    def value_from_datadict(self, data, files, name):
        return data.get(name)


def unit_id(value) -> int | None:
    """The unit id a submitted value names, or None for anything but a whole
    number in range (a form redisplayed after "abc" was posted must not fail)."""
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None
