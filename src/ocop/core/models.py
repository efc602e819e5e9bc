from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import DayKind


class AppendOnlyQuerySet(models.QuerySet):
    """Rows that are written once and never changed or deleted through the
    application: ``update()`` and ``delete()`` (and so ``bulk_update()``)
    raise. The only way out is ``_raw_delete``, which the test suite's set-up
    uses to start from an empty log (see ``tests/conftest.py``); nothing in
    ``src/`` calls it."""

    def update(self, **kwargs):
        raise ValueError(f"{self.model._meta.verbose_name_plural} cannot be changed.")

    def delete(self):
        raise ValueError(f"{self.model._meta.verbose_name_plural} cannot be deleted.")


class ActivityLog(models.Model):
    """One decision or change: who did what, when, to which object, with which data.

    Entries are append-only: nothing in the application edits or deletes them.
    Write them through ``ocop.core.domain.activity.log_action``. ``save()`` on
    an existing row, ``delete()``, and the queryset's ``update()`` and
    ``delete()`` raise; the Django admin shows the log read-only.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Activity log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Activity log entries cannot be deleted.")

    @property
    def label(self) -> str:
        """The action as officers read it (the code itself if it has no label)."""
        from ocop.core.phrases import ACTION_LABELS  # noqa: PLC0415 -- leaf

        return str(ACTION_LABELS.get(self.action, self.action))


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday, a
    compensatory day off, or a weekend day worked in compensation.

    Kept as data with its legal basis, because the Government announces the
    Tết and compensatory days each year.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class PeriodicRun(models.Model):
    """When each periodic job last ran and how it ended, so that
    ``run_periodic`` can throttle it and retry it soon after a failure."""

    name = models.CharField(max_length=150, unique=True)
    # When the last attempt started (set before the job runs).
    last_run = models.DateTimeField()
    last_success = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self):
        return self.name

    @property
    def failing(self) -> bool:
        """The last attempt that ended raised an error."""
        if self.last_error_at is None:
            return False
        return self.last_success is None or self.last_error_at > self.last_success


class Notification(models.Model):
    """A message in a user's in-app inbox (also sent by e-mail when asked)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text


class SentReminder(models.Model):
    """One reminder that has been sent, so that a periodic job run twice sends
    it once (the key names the object, the deadline and the kind of reminder)."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return self.key


class SubmittedForm(models.Model):
    """A create or request form being (or just) handled, keyed by who sent it
    and what they sent (``core.idempotency.once``): a second identical post
    within the window gets the first one's result instead of a duplicate."""

    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    result_url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self):
        return f"{self.key[:12]} {self.created_at:%Y-%m-%d %H:%M:%S}"


class BackgroundWork(models.Model):
    """Fields of a record whose long work runs in a background task
    (``core/jobs.py``): the task's id, when it was queued, when a worker
    started it and when it last reported progress. The page tells the person
    plainly when no worker has taken the task up."""

    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class DailyCount(models.Model):
    """A durable counter per name and day (``core/counters.py: count``), for
    what is counted but not logged row by row: e.g. ``api.verify`` counts the
    stamp verifications asked through the API, kept apart from consumers'
    scans (the stamps' scan log and clone checks)."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="core_dailycount_once")]

    def __str__(self):
        return f"{self.name} {self.day}: {self.count}"
