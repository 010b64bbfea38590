"""Which language to answer in: the one place where it is chosen.

The rule, first that applies:

1. the user's own choice (``/lang``), stored per platform and user;
2. for a typed question, the language it is written in (when the FAQ index can tell; a typed
   date says nothing of it, whatever language its month is named in);
3. the platform's locale for this user (``fr-FR``, ``en_GB``…), if we have that catalog;
4. the default language (``APS_BOT_DEFAULT_LANG``).

A language counts only if there is a catalog for it: adding a catalog adds a language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.engine.dates import parse_date

if TYPE_CHECKING:
    from bot.i18n import Catalogs, Lang
    from bot.storage.base import Store


def choose(
    catalogs: Catalogs,
    *,
    explicit: str | None = None,
    locale: str | None = None,
    text: str | None = None,
    guess: Callable[[str], str | None] | None = None,
) -> str:
    """The language code to answer in (see the module's rule).

    Args:
        explicit: the user's stored choice, or a language asked for (``aps-bot ask --lang``).
        locale: the platform's locale for the user, as the platform spells it.
        text: free text the user typed, if this is an answer to it.
        guess: tells the language `text` is written in, or None when unsure.
    """
    if explicit:
        return explicit
    if text and guess is not None and parse_date(text, catalogs.codes) is None:
        guessed = catalogs.supported(guess(text))
        if guessed:
            return guessed
    return catalogs.supported(locale) or catalogs.default


async def of_user(
    store: Store,
    catalogs: Catalogs,
    platform: str,
    user: str,
    *,
    locale: str | None = None,
    text: str | None = None,
    guess: Callable[[str], str | None] | None = None,
) -> Lang:
    """The language to answer `user` in, reading their stored choice (see `choose`)."""
    explicit = await store.get_lang(platform, user)
    return catalogs.get(choose(catalogs, explicit=explicit, locale=locale, text=text, guess=guess))


async def of_user_or_locale(
    store: Store, catalogs: Catalogs, platform: str, user: str, locale: str | None
) -> Lang:
    """`of_user`, falling back to the locale alone when the store fails: for error messages,
    where the store may be what failed."""
    try:
        return await of_user(store, catalogs, platform, user, locale=locale)
    except Exception:
        return catalogs.get(choose(catalogs, locale=locale))
