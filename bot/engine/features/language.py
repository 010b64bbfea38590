"""/lang: the user chooses the language of every reply, among the catalogs' languages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.commands import N_, Arg, ArgKind, pgettext
from bot.engine.reply import Choice, Reply, ReplyKind
from bot.engine.router import Router
from bot.engine.tokens import LanguageButton

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.storage.records import Conversation

router = Router("language")


@router.command(
    pgettext("command name", "lang"),
    N_("Choose the language I answer you in"),
    arg=Arg(pgettext("option name", "language"), N_("The language to use"), ArgKind.LANGUAGE),
)
async def lang(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    """``/lang fr`` sets it; ``/lang`` alone offers one button per language."""
    catalogs = turn.engine.catalogs
    code = catalogs.supported(args) if args else None
    if code:
        return await apply(turn, code)
    r = turn.reply(ReplyKind.INFO, turn.msg(turn.t.gettext("Choose your language:")))
    r.choices = [
        Choice(turn.token(LanguageButton(c)), catalogs.language_name(c)) for c in catalogs.languages
    ]
    return r


@router.button(LanguageButton)
async def on_button(turn: Turn, conv: Conversation | None, button: LanguageButton) -> Reply:
    if turn.engine.catalogs.supported(button.lang):
        return await apply(turn, button.lang)
    return turn.expired()


async def apply(turn: Turn, code: str) -> Reply:
    """Store the choice, and confirm in the new language."""
    key = turn.key
    await turn.store.set_lang(key.platform, key.user, code, turn.now)
    turn.t = turn.engine.catalogs.get(code)
    return turn.reply(
        ReplyKind.INFO, turn.msg(turn.t.gettext("From now on I will answer in English."))
    )
