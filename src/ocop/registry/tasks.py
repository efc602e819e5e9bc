"""Background tasks of the registry (run by ``manage.py db_worker``). The
import task is defined beside the code that queues it (``domain/apply.py``)."""

from .domain.apply import apply_import

__all__ = ["apply_import"]
