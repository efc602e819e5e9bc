"""Routes of the events app, gathered from the three areas' own modules:
activities and the public calendar; participants (registration, check-in,
certificates, head counts); publicity output, support and reports."""

from .urls_activities import urlpatterns as activity_urls
from .urls_participants import urlpatterns as participant_urls
from .urls_reports import urlpatterns as report_urls

app_name = "events"
urlpatterns = [*activity_urls, *participant_urls, *report_urls]
