"""The portal's only records: what a subject agreed to publish.

Nothing personal about a subject (its representative, phone, e-mail, street
address, website) is shown on the public producer page unless its
``PublicProfile`` says so; the profile records who gave that consent and when.
Every change is also in the activity log (``ocop.public_profile.saved``) with
the fields before and after, so the history of consents is kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The subject's fields a producer may choose to publish (model field names).
PUBLISHABLE = ("representative", "phone", "email", "address")


class PublicProfile(models.Model):
    subject = models.OneToOneField(
        "producers.Subject",
        verbose_name=_("subject"),
        on_delete=models.CASCADE,
        related_name="public_profile",
    )
    story = models.TextField(_("our story"), blank=True)
    website = models.URLField(_("website"), blank=True)
    show_representative = models.BooleanField(_("publish the representative's name"), default=False)
    show_phone = models.BooleanField(_("publish the phone number"), default=False)
    show_email = models.BooleanField(_("publish the e-mail address"), default=False)
    show_address = models.BooleanField(_("publish the street address"), default=False)
    show_website = models.BooleanField(_("publish the website"), default=False)
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent given by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consented_at = models.DateTimeField(_("consent given on"), null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public profile")
        verbose_name_plural = _("public profiles")

    def __str__(self):
        return str(self.subject_id)

    def published_fields(self) -> list[str]:
        """The names of the subject's fields this profile publishes."""
        fields = [name for name in PUBLISHABLE if getattr(self, f"show_{name}")]
        if self.show_website and self.website:
            fields.append("website")
        return fields


class CatalogueSummary(models.Model):
    """The public catalogue's counts (the home page's figures and browse
    facets), built from the products in force and kept in one row, so that
    no visitor's request counts the catalogue (``domain/summary.py``).

    ``changes`` counts the changes that can alter them (on SQLite; on
    PostgreSQL the sequence ``portal_catalogue_changes`` does, which takes no
    lock); ``built_for`` is the value the counts were built from."""

    day = models.DateField()
    built_for = models.BigIntegerField(default=0)
    built_at = models.DateTimeField()
    changes = models.BigIntegerField(default=0)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("catalogue summary")
        verbose_name_plural = _("catalogue summaries")

    def __str__(self):
        return f"{self.day} ({self.built_for})"
