"""Message and button handlers: map the update to an engine Event, deliver the Reply.

Groups (privacy mode on) get commands, @mentions and replies to the bot's messages; any other
group message is left alone, even when privacy mode is off and Telegram sends everything.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Message, MessageEntity
from telegram.error import TelegramError

from bot.adapters.telegram.context import engine_of
from bot.adapters.telegram.conversation import conversation_key, is_private, thread_of
from bot.adapters.telegram.delivery import deliver, with_retries
from bot.engine import Event, ReplyKind, ReplyMode

if TYPE_CHECKING:
    from telegram import Bot, CallbackQuery, Update
    from telegram.ext import ContextTypes

log = logging.getLogger(__name__)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aps, /faq text, /start payload…: the command's name and the rest of the line."""
    message = update.message
    if message is None or message.from_user is None or not _from_person(message, context.bot):
        return
    parsed = split_command(message)
    if parsed is None:
        return
    name, target, args = parsed
    if target and target.lower() != (context.bot.username or "").lower():
        return  # /aps@some_other_bot
    await _handle(
        update,
        context,
        Event.command_of(
            conversation_key(message.chat, message.from_user),
            name,
            args,
            locale=message.from_user.language_code,
            private=is_private(message.chat),
        ),
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text: an FAQ question (or a walkthrough answer) in private; in a group, only when
    it mentions the bot or replies to it."""
    message = update.message
    if message is None or message.from_user is None or not _from_person(message, context.bot):
        return
    text = message.text or ""
    private = is_private(message.chat)
    if not private:
        addressed = addressed_text(message, context.bot)
        if addressed is None:
            return
        text = addressed
    key = conversation_key(message.chat, message.from_user)
    locale = message.from_user.language_code
    if not text.strip():  # just "@aps_bot": say what the bot can do
        event = Event.command_of(key, "help", locale=locale, private=private)
    else:
        event = Event.text_of(key, text, locale=locale, private=private)
    await _handle(update, context, event)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button click. Every query is answered: an alert for someone else's or an expired menu,
    silently otherwise; a reply that says so (a walkthrough step) replaces the clicked message."""
    query = update.callback_query
    if query is None:
        return
    message = query.message
    if message is None or not query.data:  # a button under an inline-mode message: not ours
        await query.answer()
        return
    engine = engine_of(context)
    private = is_private(message.chat)
    reply = await engine.handle(
        Event.choice_of(
            conversation_key(message.chat, query.from_user),
            query.data,
            locale=query.from_user.language_code,
            private=private,
        )
    )
    if reply.kind in (ReplyKind.NOT_YOURS, ReplyKind.EXPIRED):
        await query.answer(reply.alert or None, show_alert=bool(reply.alert))
        return
    if reply.kind in (ReplyKind.THROTTLED, ReplyKind.ACK):  # a toast (flood control, a vote)
        await query.answer(reply.alert or None)
        return
    await _acknowledge(query)
    # an inaccessible message (too old to edit) cannot be replaced: the reply is posted anew
    in_place = reply.mode is ReplyMode.REPLACE and isinstance(message, Message)
    await deliver(
        context.bot,
        reply,
        chat_id=message.chat.id,
        thread_id=thread_of(message),
        edit_message_id=message.message_id if in_place else None,
    )


async def _acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner, best effort: the engine has already moved to the next step, so a
    lost acknowledgement must not also lose the step's message (Telegram ends the spinner itself).
    Not retried: after a timeout the query may have been answered, and a second answer is refused.
    """
    try:
        await query.answer()
    except TelegramError as exc:
        log.warning(
            "answerCallbackQuery failed (%s); delivering the step anyway", type(exc).__name__
        )


async def _handle(update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event) -> None:
    message = update.message
    assert message is not None
    reply = await engine_of(context).handle(event)
    if reply.kind is ReplyKind.THROTTLED and not reply.messages:
        return  # flood control: the one notice of this burst was already sent
    if not reply.messages and reply.alert:  # a notice meant as a toast: a short message here
        await with_retries(
            lambda: message.reply_text(reply.alert, parse_mode=None),
            "sendMessage",
            idempotent=False,
        )
        return
    await deliver(
        context.bot,
        reply,
        chat_id=message.chat.id,
        thread_id=thread_of(message),
        reply_to=None if event.private else message.message_id,
    )


def split_command(message: Message) -> tuple[str, str, str] | None:
    """``(name, @target or "", args)`` of a message starting with a bot command, else None."""
    text = message.text or ""
    entity = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0),
        None,
    )
    if entity is None:
        return None
    command = message.parse_entity(entity)[1:]
    name, _, target = command.partition("@")
    args = text[len(message.parse_entity(entity)) :].strip()
    return name.lower(), target, args


def addressed_text(message: Message, bot: Bot) -> str | None:
    """The text meant for the bot in a group message (its @mention removed), else None."""
    text = message.text or ""
    username = (bot.username or "").lower()
    mentions = [
        e
        for e in message.entities
        if (e.type == MessageEntity.MENTION and message.parse_entity(e)[1:].lower() == username)
        or (e.type == MessageEntity.TEXT_MENTION and e.user is not None and e.user.id == bot.id)
    ]
    if mentions:
        for entity in sorted(mentions, key=lambda e: e.offset, reverse=True):
            # entity offsets count UTF-16 units; parse_entity did the conversion for us
            mention = message.parse_entity(entity)
            text = text.replace(mention, " ", 1)
        return " ".join(text.split())
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return text
    return None


def _from_person(message: Message, bot: Bot) -> bool:
    """Not another bot, and not one of our own inline-mode answers posted back to us."""
    if message.from_user is not None and message.from_user.is_bot:
        return False
    return not (message.via_bot is not None and message.via_bot.id == bot.id)
