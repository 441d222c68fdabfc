"""Who acts. A newsroom action always has an actor: a person (a Django user with roles), or
a named system actor standing where a person would — a wire source, an importer, the
command line. System actors carry their roles explicitly; the audit log names them."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from dateline.newsroom.roles import Role


@dataclass(frozen=True)
class SystemActor:
    name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    # Importers keep a story's own publication time (a 2019 post stays dated 2019);
    # people publish now or at a future second.
    may_backdate: bool = False
    # The `Article.source` of the copy this actor brings in ("wire:3"): a wire source may
    # withdraw its own stories and no others.
    source: str = ""

    # Duck-typed like a user for the few places that ask.
    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = False

    def get_username(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


def wire_actor(source_name: str, *, trusted: bool, source: str) -> SystemActor:
    """A wire source: a trusted one publishes its copy; any other only files drafts for
    the desk. Either withdraws its own copy when the agency kills it."""
    roles = frozenset({Role.WIRE, Role.EDITOR}) if trusted else frozenset({Role.WIRE})
    return SystemActor(f"wire source {source_name}", roles, source=source)


def importer_actor(kind: str) -> SystemActor:
    """A migration (WordPress, ninjs, a web page): it brings stories in with the state and
    dates they had where they came from."""
    return SystemActor(f"{kind} import", frozenset({Role.EDITOR}), may_backdate=True)


def command_line_actor() -> SystemActor:
    """Whoever runs `dateline` on the server already holds the keys to everything."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return SystemActor(f"command line ({user})", frozenset({Role.ADMIN}))


def is_person(actor) -> bool:
    return actor is not None and not isinstance(actor, SystemActor)


def actor_label(actor) -> str:
    if actor is None:
        return "nobody"
    return actor.get_username()
