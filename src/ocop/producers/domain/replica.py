"""The centre's copies of a province's subjects, written by an exchange
import (``ocop.exchange``): the province's values, checked as a form would."""

from ocop.producers.models import Subject


def save_subject_replica(*, subject: Subject | None, values: dict) -> Subject:
    """Create (``subject`` None) or overwrite a subject with ``values``;
    raises ``ValidationError`` (nothing written) when they do not fit."""
    subject = subject or Subject()
    for name, value in values.items():
        setattr(subject, name, value)
    subject.province_id = subject.commune.province_id
    subject.full_clean(exclude=["name_key", "search_text"])
    subject.save()
    return subject
