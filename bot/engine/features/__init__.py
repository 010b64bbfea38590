"""The features, one module each, every one declaring its commands and buttons on its own router.

`ROUTER` includes them all; its order is the order of the menus and of /help, and free text goes
to the walkthrough (a typed date) before the FAQ.
"""

from bot.engine.features import (
    admin,
    checklist,
    faq,
    feedback,
    language,
    privacy,
    reminders,
    start,
)
from bot.engine.features.walkthrough import navigation
from bot.engine.router import Router

ROUTER = Router("aps-bot").include(
    navigation.router,
    faq.router,
    checklist.router,
    reminders.router,
    language.router,
    start.router,
    privacy.router,
    admin.router,
    feedback.router,
    navigation.controls,
)
