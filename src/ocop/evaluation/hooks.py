"""Hooks through which apps above evaluation add to its pages, without
evaluation importing them (like ``signals.py``, a leaf module).

Evidence on the scoring page: an app registers a provider from its
``AppConfig.ready`` with ``register_evidence_provider(provider)``. For each
scoring sheet shown, ``provider(item, tree=tree)`` gets the agenda item and its
criteria sheet (``criteria.domain.queries.sheet_with_tree``) and returns an
``Evidence`` block, or None when it knows nothing about that item. The cycles
app registers the product's evaluation dossier: the producer's
self-assessment, the commune's report and answers.

The evidence is shown, never chosen for the member: blind scoring means each
member judges every criterion themselves.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """One block of evidence about an agenda item."""

    key: str  # stable and unique per provider; the page uses "<key>-summary" as an HTML id
    title: str
    url: str = ""
    facts: Sequence[tuple[str, str]] = ()  # (label, text) lines of the summary
    by_criterion: Mapping[int, Sequence[str]] = field(default_factory=dict)  # by criterion id

    def lines_for(self, criterion) -> list[str]:
        return list(self.by_criterion.get(criterion.pk, ()))


EvidenceProvider = Callable[..., Evidence | None]

_providers: list[EvidenceProvider] = []


def register_evidence_provider(provider: EvidenceProvider) -> EvidenceProvider:
    """Add a provider (once: registering the same function again is a no-op)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_evidence_provider(provider: EvidenceProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def evidence_for_item(item, *, tree) -> list[Evidence]:
    """Every registered provider's evidence about the item, in registration order."""
    blocks = (provider(item, tree=tree) for provider in list(_providers))
    return [block for block in blocks if block is not None]
