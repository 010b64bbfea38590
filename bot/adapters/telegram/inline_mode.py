"""Inline mode: ``@bot fee`` in any chat lists FAQ answers to post, in the user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent

from bot.adapters.telegram.context import engine_of
from bot.adapters.telegram.conversation import PLATFORM
from bot.adapters.telegram.delivery import reply_chunks
from bot.adapters.telegram.keyboards import keyboard
from bot.engine.inline import inline_answers, inline_lang

if TYPE_CHECKING:
    from telegram import Update
    from telegram.ext import ContextTypes

CACHE_SECONDS = 300
START_PARAMETER = "inline"  # /start inline: the welcome message in private


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    engine = engine_of(context)
    user, locale = str(query.from_user.id), query.from_user.language_code
    answers = await inline_answers(engine, query.query, platform=PLATFORM, user=user, locale=locale)
    results = []
    for answer in answers:
        chunks = reply_chunks(answer.reply)
        if not chunks:
            continue
        results.append(
            InlineQueryResultArticle(
                id=f"{answer.key or answer.entry_id}.{answer.lang}"[:64],
                title=answer.title,
                description=answer.description,
                # the short answer fits one message; a longer one is cut, its link leads to the rest
                input_message_content=InputTextMessageContent(chunks[0]),
                reply_markup=keyboard(answer.reply, context.bot.username),
            )
        )
    t = engine.catalogs.get(await inline_lang(engine, platform=PLATFORM, user=user, locale=locale))
    await query.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=True,  # the language is the user's
        button=InlineQueryResultsButton(
            text=t.gettext("Ask me in a private chat"), start_parameter=START_PARAMETER
        ),
    )
