"""Routers: each feature declares its commands, its button kinds and its free-text handler on one.

As in aiogram, a feature module creates its own ``router = Router("faq")`` and decorates its
handlers there, so a command's name, its help line and its code sit together; the engine includes
the features' routers in one (`bot.engine.features.ROUTER`) and dispatches every event through it:

- a command to the handler of that name (unknown, or admin-only for a non-admin: "I don't know
  /x");
- a button to the handler of its payload's class (`bot.engine.tokens`: `WalkButton`,
  `FaqButton`…), once its token is authentic and the clicker is the user it was made for;
- free text to the text handlers in order, until one answers (the walkthrough's date question
  first, then the FAQ).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.engine.commands import PLATFORMS, Arg, Command, Hint
from bot.engine.events import EventKind
from bot.engine.reply import ReplyKind
from bot.engine.tokens import ANYONE, Payload

if TYPE_CHECKING:
    from bot.engine.reply import Reply
    from bot.engine.turn import Turn
    from bot.storage.records import Conversation

    CommandHandler = Callable[[Turn, Conversation | None, str], Awaitable[Reply]]
    ButtonHandler = Callable[[Turn, Conversation | None, Any], Awaitable[Reply]]
    TextHandler = Callable[[Turn, Conversation | None, str], Awaitable[Reply | None]]


@dataclass(frozen=True)
class ButtonKind:
    """One kind of button and its handler.

    Attributes:
        payload: the payload class of its tokens (`bot.engine.tokens`).
        handler: ``async (turn, conversation, payload) -> Reply``.
        anyone: a token whose owner is `ANYONE` may be clicked by anyone (votes in a group).
    """

    payload: type[Payload]
    handler: ButtonHandler
    anyone: bool = False


class Router:
    """Commands, button kinds and text handlers of one feature, or of several included ones."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.commands: dict[str, Command] = {}
        self.buttons: dict[str, ButtonKind] = {}
        self.texts: list[TextHandler] = []
        self.hints: list[Hint] = []
        self.included: list[Router] = []  # what `include` took, so a test can find a forgotten one

    # ------------------------------------------------------------------ declaring

    def command(
        self,
        name: str,
        summary: str = "",
        *,
        offered: bool = True,
        platforms: tuple[str, ...] = PLATFORMS,
        elsewhere: str = "",
        hidden_on: tuple[str, ...] = (),
        groups: bool = False,
        admin: bool = False,
        arg: Arg | None = None,
    ) -> Callable[[CommandHandler], CommandHandler]:
        """Register the decorated ``async (turn, conversation, args)`` as ``/name`` (the options
        are `Command`'s attributes)."""
        unknown = set(platforms) - set(PLATFORMS)
        if unknown:
            raise ValueError(f"/{name}: no such platform {sorted(unknown)} (see PLATFORMS)")

        def register(handler: CommandHandler) -> CommandHandler:
            self._add_command(
                Command(
                    name=name,
                    handler=handler,
                    summary=summary,
                    offered=offered and bool(summary) and not admin,
                    platforms=frozenset(platforms),
                    elsewhere=elsewhere,
                    hidden_on=frozenset(hidden_on),
                    groups=groups,
                    admin=admin,
                    arg=arg,
                )
            )
            return handler

        return register

    def button(
        self, payload: type[Payload], *, anyone: bool = False
    ) -> Callable[[ButtonHandler], ButtonHandler]:
        """Register the decorated ``async (turn, conversation, payload)`` for buttons whose
        payload is a `payload` (its fields typed: the handler checks only what they mean)."""

        def register(handler: ButtonHandler) -> ButtonHandler:
            self._add_button(ButtonKind(payload, handler, anyone))
            return handler

        return register

    def text(self, handler: TextHandler) -> TextHandler:
        """Register ``async (turn, conversation, text) -> Reply | None``; None passes it on."""
        self.texts.append(handler)
        return handler

    def hint(self, text: str, *, only_on: tuple[str, ...] = (), hidden_on: tuple[str, ...] = ()):
        """A line /help shows after the commands (a catalog msgid, marked with `N_`)."""
        self.hints.append(Hint(text, frozenset(only_on), frozenset(hidden_on)))

    def include(self, *routers: Router) -> Router:
        """Add other routers' commands, buttons, text handlers and hints, in that order."""
        for router in routers:
            self.included.append(router)
            for command in router.commands.values():
                self._add_command(command)
            for button in router.buttons.values():
                self._add_button(button)
            self.texts.extend(router.texts)
            self.hints.extend(router.hints)
        return self

    def includes(self, router: Router) -> bool:
        """Whether `router` is this one or was included in it, directly or through another."""
        return router is self or any(r.includes(router) for r in self.included)

    def _add_command(self, command: Command) -> None:
        if command.name in self.commands:
            raise ValueError(f"{self.name}: /{command.name} is registered twice")
        self.commands[command.name] = command

    def _add_button(self, button: ButtonKind) -> None:
        kind = button.payload.kind
        if kind in self.buttons:
            raise ValueError(f"{self.name}: buttons {button.payload.__name__} registered twice")
        self.buttons[kind] = button

    # ------------------------------------------------------------------ dispatching

    async def dispatch(self, turn: Turn, conv: Conversation | None) -> Reply:
        """The reply to `turn`'s event."""
        event = turn.event
        assert event is not None
        if event.kind is EventKind.COMMAND:
            return await self.on_command(turn, conv)
        if event.kind is EventKind.CHOICE:
            return await self.on_button(turn, conv)
        return await self.on_text(turn, conv, event.text)

    async def on_command(self, turn: Turn, conv: Conversation | None) -> Reply:
        assert turn.event is not None
        name = turn.event.command
        command = self.commands.get(name)
        if command is None or (command.admin and not turn.engine.is_admin(turn.key)):
            return unknown_command(turn, name)
        if not command.works_on(turn.platform):
            return not_here(turn, command)
        return await command.handler(turn, conv, turn.event.text.strip())

    async def on_button(self, turn: Turn, conv: Conversation | None) -> Reply:
        assert turn.event is not None
        signed = turn.codec.unpack(turn.event.token)
        if signed is None:
            return turn.expired()
        button = self.buttons.get(signed.payload.kind)
        anyones = button is not None and button.anyone and signed.owner == ANYONE
        if signed.owner != turn.owner and not anyones:
            r = turn.reply(ReplyKind.NOT_YOURS)
            r.alert = turn.t.gettext(
                "These buttons belong to someone else. Send /aps or /faq for your own."
            )
            return r
        if button is None:
            return turn.expired()
        return await button.handler(turn, conv, signed.payload)

    async def on_text(self, turn: Turn, conv: Conversation | None, text: str) -> Reply:
        for handler in self.texts:
            reply = await handler(turn, conv, text)
            if reply is not None:
                return reply
        raise LookupError(f"{self.name}: no text handler answered (include the FAQ's)")


def unknown_command(turn: Turn, name: str) -> Reply:
    return turn.reply(
        ReplyKind.ERROR,
        turn.msg(
            turn.t.gettext("I don't know the command /{command}. Send /help to see what I can do."),
            command=name[:32],
        ),
    )


def not_here(turn: Turn, command: Command) -> Reply:
    """A command this platform does not support: the row's own explanation, else a general one."""
    t = turn.t
    if command.elsewhere:
        text = t.gettext(command.elsewhere)
    else:
        text = t.gettext("/{command} is not available here. Send /help to see what I can do.")
    return turn.reply(ReplyKind.INFO, turn.msg(text, command=command.name))
