from django.db import models
from django.utils.translation import gettext_lazy as _


class BizStep(models.TextChoices):
    """EPCIS 2.0 business steps (GS1 CBV 2.0) a small producer records."""

    HARVESTING = "harvesting", _("harvest / raw material")
    COMMISSIONING = "commissioning", _("production started")
    TRANSFORMING = "transforming", _("processing")
    INSPECTING = "inspecting", _("inspection / testing")
    PACKING = "packing", _("packing")
    STORING = "storing", _("storage")
    SHIPPING = "shipping", _("shipping")
    RECEIVING = "receiving", _("received by a distributor")
    RETAIL_SELLING = "retail_selling", _("retail sale")


class ErrorReason(models.TextChoices):
    """Why an event was declared erroneous (EPCIS 2.0 errorDeclaration, CBV
    error reasons)."""

    INCORRECT_DATA = "incorrect_data", _("recorded with wrong data (corrected)")
    DID_NOT_OCCUR = "did_not_occur", _("did not take place (withdrawn)")
