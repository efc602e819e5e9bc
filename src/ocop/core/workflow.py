"""The workflow engine: one explicit transition table per workflow, one way to
take a transition.

An app declares its table (``Transition`` rows) and a ``Workflow`` (the model,
its state labels, the messages of refusal), and its one state-transition
function ``set_<thing>_state(*, <thing>, action, by, reason="")`` calls
``Workflow.apply``, which

- locks the row (``select_for_update``) and reads it again, so two people
  acting at once are served one after the other and the second sees the first
  one's state;
- refuses an unknown action, a transition the current state (or the object's
  path) does not allow, a user the transition's predicate refuses and a
  missing reason, with a translated ``ValidationError`` / ``PermissionDenied``;
- runs the transition's ``step`` (extra checks and fields: dates, deadlines,
  what the transition creates), then the workflow's common step;
- saves with ``update_fields`` and logs under the transition's literal action
  name (``ocop.<thing>.<verb>``, declared in the table so that it can be
  grepped);
- runs the workflow's watchers (``Workflow.watch``), in the same transaction:
  what another record keeps in step with this one (a product's status that
  follows its dossier) without the transitions each saving it;
- schedules the transition's notification with ``transaction.on_commit``: a
  refused or rolled-back transition tells nobody.

Everything happens in one transaction: a step that raises leaves nothing
half-saved.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.domain.activity import log_action
from ocop.core.forms import check_characters

LOG_NAME = re.compile(r"^ocop\.[a-z_]+\.[a-z_]+$")


def anyone(user, obj) -> bool:
    """The default predicate: the workflow's own checks decide."""
    return True


@dataclass
class Move:
    """One transition being taken: what steps and notifications work with.

    A step changes ``obj`` and lists the fields it changed in ``fields``
    (saved with ``update_fields``), adds what the log entry should keep to
    ``log``, and may leave in ``memo`` what the notification needs (objects
    it created, say)."""

    obj: Any
    transition: "Transition"
    by: Any
    reason: str
    source: str
    today: date
    data: dict = field(default_factory=dict)  # the extra keyword data of the call
    fields: list[str] = field(default_factory=list)
    log: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict)

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def target(self) -> str:
        return self.transition.target


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table."""

    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    log: str  # the activity-log action, a literal "ocop.<thing>.<verb>"
    may: Callable[[Any, Any], bool] = anyone  # (user, obj) -> may this user take it
    needs_reason: bool = False
    step: Callable[[Move], None] | None = None  # extra checks and fields; raises to refuse
    notify: Callable[[Move], None] | None = None  # run once the transaction has committed
    when: Callable[[Any], bool] | None = None  # (obj) -> does the transition exist for it
    button: bool = True  # offered to users by ``available`` (False: taken by the system)
    forbidden: str = ""  # the refusal when ``may`` says no, if not the workflow's

    def __post_init__(self):
        if not LOG_NAME.match(self.log):
            raise ValueError(f"Log action {self.log!r} is not of the form ocop.<thing>.<verb>.")
        if isinstance(self.sources, str):
            raise ValueError(f"Transition {self.action!r}: sources must be a tuple of states.")

    def exists_for(self, obj, state: str) -> bool:
        return state in self.sources and (self.when is None or self.when(obj))


def _reason_given(reason: str, data: dict) -> bool:
    return bool(reason)


@dataclass(frozen=True)
class Workflow:
    """A model's state machine: its table and how it refuses."""

    model: type[models.Model]
    states: type[models.TextChoices]
    transitions: tuple[Transition, ...]
    unit: Callable[[Any], Any]  # (obj) -> the administrative unit of the log entry
    illegal: str  # "A <thing> that is “%(state)s” cannot be “%(action)s”." (%(target)s too)
    forbidden: str  # when the transition's predicate says no
    reason_missing: str = gettext_lazy("Give the reason.")  # a reason is needed, none given
    reason_field: str = ""  # the form field the missing-reason error belongs to
    reason_given: Callable[[str, dict], bool] = _reason_given  # (reason, data) -> given?
    related: tuple[str, ...] = ()  # select_related when the row is locked
    fields: tuple[str, ...] = ()  # saved on every transition (e.g. "updated_at")
    step: Callable[[Move], None] | None = None  # run on every transition, after its own step
    state_field: str = "state"
    by_action: dict = field(init=False, repr=False, compare=False)
    watchers: list = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self):
        by_action = {}
        for t in self.transitions:
            if t.action in by_action:
                raise ValueError(f"Action {t.action!r} appears twice in the table.")
            for state in (*t.sources, t.target):
                if state not in self.states.values:
                    raise ValueError(f"Transition {t.action!r}: {state!r} is not a state.")
            by_action[t.action] = t
        object.__setattr__(self, "by_action", by_action)

    def watch(self, watcher: Callable[[Move], None]) -> Callable[[Move], None]:
        """Call ``watcher(move)`` after every transition taken, once the object
        is saved and logged, inside the transaction (raising refuses the
        transition). Registering the same function again is a no-op."""
        if watcher not in self.watchers:
            self.watchers.append(watcher)
        return watcher

    def transition(self, action: str) -> Transition:
        try:
            return self.by_action[action]
        except KeyError:
            raise ValidationError(
                _("Unknown action “%(action)s”.") % {"action": action}, code="unknown_action"
            ) from None

    def available(self, obj, user) -> list[Transition]:
        """The transitions ``user`` may take on ``obj`` now (the buttons on its page)."""
        state = getattr(obj, self.state_field)
        return [
            t
            for t in self.transitions
            if t.button and t.exists_for(obj, state) and t.may(user, obj)
        ]

    def apply(
        self,
        *,
        obj,
        action: str,
        by,
        reason: str = "",
        system: bool = False,
        today: date | None = None,
        **data,
    ):
        """Take ``action`` on ``obj`` as ``by``, or refuse with a clear error;
        nothing is half-saved. ``system`` is for transitions the system takes
        on behalf of another step (a council's result): the permission check is
        skipped, the rest is not. Returns the (reloaded, updated) object."""
        with transaction.atomic():
            return self._apply(
                obj=obj, action=action, by=by, reason=reason, system=system, today=today, data=data
            )

    def _apply(self, *, obj, action, by, reason, system, today, data):
        transition = self.transition(action)
        rows = self.model.objects.select_for_update(of=("self",))
        if self.related:
            rows = rows.select_related(*self.related)
        obj = rows.get(pk=obj.pk)
        state = getattr(obj, self.state_field)
        if not transition.exists_for(obj, state):
            raise ValidationError(
                self.illegal
                % {
                    "state": self.states(state).label,
                    "action": transition.label,
                    "target": self.states(transition.target).label,
                },
                code="illegal_transition",
            )
        if not system and not transition.may(by, obj):
            raise PermissionDenied(transition.forbidden or self.forbidden)
        reason = (reason or "").strip()
        try:  # a reason typed outside a form is checked as a form's text is
            check_characters(reason, multiline=True)
        except ValidationError as error:
            raise ValidationError(
                {self.reason_field: error.messages} if self.reason_field else error.messages,
                code="control_characters",
            ) from error
        if transition.needs_reason and not self.reason_given(reason, data):
            message = str(self.reason_missing)
            raise ValidationError(
                {self.reason_field: [message]} if self.reason_field else message,
                code="reason_missing",
            )
        move = Move(
            obj=obj,
            transition=transition,
            by=by,
            reason=reason,
            source=state,
            today=today or timezone.localdate(),
            data=data,
        )
        if transition.step is not None:
            transition.step(move)
        if self.step is not None:
            self.step(move)
        setattr(obj, self.state_field, transition.target)
        obj.save(update_fields=list(dict.fromkeys((self.state_field, *self.fields, *move.fields))))
        log_action(
            action=transition.log,
            by=by,
            obj=obj,
            unit=self.unit(obj),
            data={
                "action": action,
                "from": state,
                "to": transition.target,
                "reason": reason,
                **move.log,
            },
        )
        for watcher in list(self.watchers):
            watcher(move)
        if transition.notify is not None:
            transaction.on_commit(partial(transition.notify, move), robust=True)
        return obj
