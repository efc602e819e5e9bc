"""Submitted versions of a dossier and the differences between them."""

from ocop.cycles.models import Dossier, DossierAnswer

SNAPSHOT_FIELDS = (
    "product_name",
    "registration_number",
    "representative",
    "phone",
    "capacity",
    "market",
    "description",
    "story",
    "samples_received_on",
    "samples_quantity",
    "site_visit_on",
)


def snapshot(dossier: Dossier) -> dict:
    """What the dossier holds now: fields, documents and self-assessment."""
    documents = {}
    for link in dossier.documents.select_related("evidence"):
        doc = link.evidence
        documents[str(doc.pk)] = {
            "type": doc.doc_type,
            "label": doc.get_doc_type_display(),
            "number": doc.number,
            "expires_on": doc.expires_on.isoformat() if doc.expires_on else None,
            "file": doc.original_name or (doc.file.name.rsplit("/", 1)[-1] if doc.file else ""),
        }
    answers = {
        a.criterion.code: {
            "options": a.options,
            "value": str(a.value) if a.value is not None else None,
        }
        for a in dossier.answers.filter(by=DossierAnswer.SELF).select_related("criterion")
    }
    fields = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(dossier, name)
        fields[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return {"fields": fields, "documents": documents, "self_assessment": answers}


def diff(old: dict, new: dict) -> dict:
    """Changed fields ({name: [old, new]}), documents added / removed / changed,
    and self-assessment criteria whose answer changed."""
    old_fields, new_fields = old.get("fields", {}), new.get("fields", {})
    fields = {
        name: [old_fields.get(name), new_fields.get(name)]
        for name in sorted(set(old_fields) | set(new_fields))
        if old_fields.get(name) != new_fields.get(name)
    }
    old_docs, new_docs = old.get("documents", {}), new.get("documents", {})
    added = [new_docs[k] for k in sorted(set(new_docs) - set(old_docs))]
    removed = [old_docs[k] for k in sorted(set(old_docs) - set(new_docs))]
    changed = [
        {"old": old_docs[k], "new": new_docs[k]}
        for k in sorted(set(old_docs) & set(new_docs))
        if old_docs[k] != new_docs[k]
    ]
    old_answers, new_answers = old.get("self_assessment", {}), new.get("self_assessment", {})
    answers = sorted(
        code
        for code in set(old_answers) | set(new_answers)
        if old_answers.get(code) != new_answers.get(code)
    )
    return {
        "fields": fields,
        "documents_added": added,
        "documents_removed": removed,
        "documents_changed": changed,
        "answers": answers,
        "empty": not (fields or added or removed or changed or answers),
    }
