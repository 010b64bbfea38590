"""Where handlers find the engine and the process's vitals: the Application's ``bot_data``, set
once by the builder."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telegram.ext import Application, CallbackContext

    from bot.engine import Engine
    from bot.health import Vitals

ENGINE_KEY = "aps_engine"
VITALS_KEY = "aps_vitals"


def attach_engine(application: Application, engine: Engine, vitals: Vitals) -> None:
    application.bot_data[ENGINE_KEY] = engine
    application.bot_data[VITALS_KEY] = vitals


def engine_of(context: CallbackContext) -> Engine:
    return context.application.bot_data[ENGINE_KEY]


def vitals_of(context: CallbackContext) -> Vitals:
    return context.application.bot_data[VITALS_KEY]
