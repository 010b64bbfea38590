"""/lang: the user chooses the language of every reply, among the catalogs' languages.

A language still being translated (``beta`` in locales/languages.yaml) says so when it is picked,
once: how much is done, and that untranslated texts show in English, with a button to read them
in French instead (or back in English). That choice is stored with the language (``es+fr``):
nothing else is kept. The welcome (/start) says the same to someone whose platform chose it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.commands import N_, Arg, ArgKind, pgettext
from bot.engine.reply import Choice, Reply, ReplyKind
from bot.engine.router import Router
from bot.engine.tokens import LanguageButton
from bot.language_status import FALLBACKS

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.markup import Message
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
    r.choices = [Choice(turn.token(LanguageButton(c)), label(turn, c)) for c in catalogs.languages]
    return r


def label(turn: Turn, code: str) -> str:
    """A language's button: its name in itself, and "beta" while it is being translated."""
    catalogs = turn.engine.catalogs
    name = catalogs.language_name(code)
    if not catalogs.is_beta(code):
        return name
    return turn.t.gettext("{language} (beta)").format(language=name)


@router.button(LanguageButton)
async def on_button(turn: Turn, conv: Conversation | None, button: LanguageButton) -> Reply:
    """A language, or a language in progress and its fallback (`LanguageButton.choice`)."""
    choice = turn.engine.catalogs.choice(button.choice)
    if choice:
        return await apply(turn, choice)
    return turn.expired()


async def apply(turn: Turn, code: str) -> Reply:
    """Store the choice, and confirm in the new language (with the beta notice, if it is one)."""
    key = turn.key
    catalogs = turn.engine.catalogs
    await turn.store.set_lang(key.platform, key.user, code, turn.now)
    turn.t = catalogs.get(code)
    r = turn.reply(
        ReplyKind.INFO, turn.msg(turn.t.gettext("From now on I will answer in English."))
    )
    if catalogs.is_beta(turn.t.code):
        r.messages.append(beta_notice(turn))
        r.choices = [
            Choice(
                turn.token(LanguageButton.with_fallback(turn.t.code, other)),
                turn.t.gettext("Show untranslated texts in {language}").format(
                    language=catalogs.language_name(other, turn.t.code)
                ),
            )
            for other in FALLBACKS
            if other != turn.t.fallback and other in catalogs.languages
        ]
    return r


def beta_notice(turn: Turn) -> Message:
    """That the reply's language is still being translated, how much is done, and which language
    its untranslated texts show in."""
    catalogs = turn.engine.catalogs
    t = turn.t
    return turn.msg(
        t.gettext(
            "{language} is still being translated ({percent} done): some answers are in "
            "{fallback} for now."
        ),
        language=catalogs.language_name(t.code),
        percent=f"{catalogs.completeness(t.code):.0%}",
        fallback=catalogs.language_name(t.fallback or "en", t.code),
    )
