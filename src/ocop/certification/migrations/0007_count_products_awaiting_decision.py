"""Count, for every closed council session, its recognised products on no
draft or issued decision (``Session.awaiting_decision``, added by
evaluation 0011): what ``certification.domain.awaiting.refresh_all`` does,
with the historical models."""

from django.db import migrations
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count(apps, schema_editor):
    Session = apps.get_model("evaluation", "Session")
    AgendaItem = apps.get_model("evaluation", "AgendaItem")
    DecisionItem = apps.get_model("certification", "DecisionItem")
    on_decision = DecisionItem.objects.filter(
        agenda_item=OuterRef("pk"), decision__state__in=["draft", "issued"]
    )
    counted = (
        AgendaItem.objects.filter(
            session=OuterRef("pk"), status="decided", recognised_star__isnull=False
        )
        .exclude(Exists(on_decision))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Session.objects.filter(state="closed").update(awaiting_decision=Coalesce(Subquery(counted), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0006_unconfirmed_in_english"),
        ("evaluation", "0011_session_awaiting_decision"),
    ]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]
