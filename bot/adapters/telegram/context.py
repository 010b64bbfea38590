"""Where handlers find the engine: the Application's ``bot_data``, set once by the builder."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telegram.ext import Application, CallbackContext

    from bot.engine import Engine

ENGINE_KEY = "aps_engine"


def attach_engine(application: Application, engine: Engine) -> None:
    application.bot_data[ENGINE_KEY] = engine


def engine_of(context: CallbackContext) -> Engine:
    return context.application.bot_data[ENGINE_KEY]
