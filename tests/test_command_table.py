"""One command table, read by every platform: each offers exactly what the table marks for it.

The engine's table (`Engine.commands`, declared by the feature routers) is the only list of
commands. Telegram's menus and handlers, Discord's slash commands and /help on every platform are
generated from it; these tests fail if any of them drifts from it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from discord import app_commands

from bot.adapters.discord import build_client
from bot.adapters.telegram import build_application
from bot.adapters.telegram.menus import command_menu
from bot.config import Config, Secret
from bot.engine import ArgKind, Engine
from bot.engine.commands import PLATFORMS, Command, offered_on
from bot.engine.features import ROUTER
from bot.engine.router import Router
from bot.testing import Client

TELEGRAM_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


@pytest.fixture
def engine(make_engine) -> Engine:
    return make_engine()


def names(commands) -> set[str]:
    return {c.name for c in commands}


def test_the_table_is_complete_and_consistent(engine: Engine) -> None:
    table = {c.name: c for c in engine.commands}
    assert {"start", "aps", "faq", "lang", "help", "privacy", "mydata", "forget"} <= set(table)
    assert {"remind", "reminders", "checklist", "cancel", "back", "restart"} <= set(table)
    assert {n for n, c in table.items() if c.admin} == {"reload", "stats"}
    for command in engine.commands:
        assert TELEGRAM_NAME.match(command.name), command.name  # valid on every platform
        if command.offered:
            assert command.summary and len(command.summary) <= 100, command.name
        assert not (command.admin and command.offered), command.name  # admins are never listed
    assert table["faq"].arg is not None and table["faq"].arg.kind is ArgKind.QUESTION
    assert table["lang"].arg is not None and table["lang"].arg.kind is ArgKind.LANGUAGE


def test_a_command_cannot_be_registered_twice() -> None:
    first, second = Router("a"), Router("b")
    for router in (first, second):

        @router.command("same", "Twice")
        async def handler(turn, conv, args):  # pragma: no cover: never called
            raise AssertionError

    with pytest.raises(ValueError, match="/same is registered twice"):
        Router("all").include(first, second)


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_help_lists_what_the_table_offers_on_each_platform(
    engine: Engine, platform: str
) -> None:
    client = Client(engine, platform=platform)
    await client.send("/help")
    listed = set(re.findall(r"^• /([a-z_]+):", client.text, re.MULTILINE))
    assert listed == names(offered_on(engine.commands, platform))
    assert "cancel" in listed or platform == "discord"  # Discord's walkthrough has its own button


def test_telegram_menus_and_handlers_follow_the_table(engine: Engine) -> None:
    app = build_application(Config(telegram_token=Secret("123:abc")), engine)
    handled = set()
    for group in app.handlers.values():
        for handler in group:
            handled |= set(getattr(handler, "commands", ()))
    assert handled == names(engine.commands)  # every command works when typed, admin ones too
    for code in engine.catalogs.languages:
        t = engine.catalogs.get(code)
        menu = command_menu(t, engine.commands)
        assert [c.command for c in menu] == [
            c.name for c in offered_on(engine.commands, "telegram")
        ]
        assert all(c.description for c in menu)
        groups = [c.command for c in command_menu(t, engine.commands, groups=True)]
        listed = [c.name for c in offered_on(engine.commands, "telegram") if c.groups]
        assert groups == listed and listed  # group menus: the table's `groups=True` rows


async def test_discord_slash_commands_follow_the_table(engine: Engine) -> None:
    client = build_client(Config(), engine)
    try:
        slash = {
            c.name: c for c in client.tree.get_commands() if isinstance(c, app_commands.Command)
        }
        assert set(slash) == names(offered_on(engine.commands, "discord"))
        for command in offered_on(engine.commands, "discord"):
            options = slash[command.name].parameters
            assert [p.display_name for p in options] == ([command.arg.name] if command.arg else [])
            assert slash[command.name].description == command.summary
    finally:
        await client.close()


async def test_a_new_command_is_one_decorated_handler(make_engine) -> None:
    """A feature router with one new command: every platform offers it, nothing else changes.

    The name is one no real command will take, so adding /ping to the bot never breaks this."""
    from bot.engine.commands import N_, pgettext
    from bot.engine.features import ROUTER
    from bot.engine.reply import ReplyKind

    feature = Router("example")

    @feature.command(pgettext("command name", "zz_example"), N_("Check that I am here"))
    async def zz_example(turn, conv, args):
        return turn.reply(ReplyKind.INFO, turn.msg("pong {args}", args=args))

    engine = make_engine(router=Router("all").include(ROUTER, feature))
    client = Client(engine, platform="console")
    await client.send("/zz_example hello")
    assert client.text == "pong hello"
    await client.send("/help")
    assert "/zz_example: Check that I am here" in client.text
    t = engine.catalogs.get("fr")
    assert "zz_example" in [c.command for c in command_menu(t, engine.commands)]
    app = build_application(Config(telegram_token=Secret("123:abc")), engine)
    assert any("zz_example" in getattr(h, "commands", ()) for g in app.handlers.values() for h in g)
    discord = build_client(Config(), engine)
    try:
        assert "zz_example" in {c.name for c in discord.tree.get_commands()}
    finally:
        await discord.close()


def test_every_feature_router_is_included() -> None:
    """A feature module whose router is not included in ROUTER fails here, not silently with
    "I don't know the command" in front of a user."""
    import importlib
    import pkgutil

    import bot.engine.features as features
    from bot.engine.features import ROUTER

    found = []
    for info in pkgutil.walk_packages(features.__path__, features.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Router):
                found.append((info.name, name, value))
    assert len(found) >= 9, found
    missing = [f"{m}.{n}" for m, n, r in found if not ROUTER.includes(r)]
    assert not missing, f"not included in bot/engine/features/__init__.py ROUTER: {missing}"


async def test_a_command_a_platform_does_not_support_is_answered_from_its_row(
    engine: Engine,
) -> None:
    """Issue 23: the web is a platform of the table. /remind works where something can write to
    the user later; the web lists it nowhere and answers it with the row's explanation."""
    table = {c.name: c for c in engine.commands}
    assert "web" in PLATFORMS
    assert (
        table["remind"].platforms
        == table["reminders"].platforms
        == {
            "telegram",
            "discord",
            "console",
        }
    )
    web = Client(engine, platform="web")
    await web.send("/remind 15/03/2027")
    assert "Telegram or Discord" in web.text
    assert not (await engine.store.user_data("web", web.key.user)).get("reminders")
    console = Client(engine, platform="console")
    await console.send("/remind 15/03/2099")
    assert "I will remind you" in console.text
    # a platform outside the table (the static site's renderer) is refused nothing
    assert table["remind"].works_on("site") and not table["remind"].offered_on("web")
    with pytest.raises(ValueError, match="no such platform"):
        Router("x").command("zz_example", "Example", platforms=("webb",))


ROOT = Path(__file__).resolve().parent.parent


def _readme_script():
    spec = importlib.util.spec_from_file_location(
        "update_readme", ROOT / "scripts" / "update_readme.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_lists_the_commands_of_the_table() -> None:
    """README.md's three command lists are generated from the table (`make readme`)."""
    script = _readme_script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = {n: make for n, make in script.blocks().items() if n.startswith("commands:")}
    assert set(blocks) == {"commands:all", "commands:telegram", "commands:discord"}
    for name, make in blocks.items():
        assert script.current(readme, name) == make(), f"README {name} is stale: run `make readme`"
    # a command added to the table changes the lists: the check above would fail
    ping = Command("zz_ping", handler=lambda *a: None, summary="Check that I am alive")
    longer = script.blocks((*ROUTER.commands.values(), ping))
    assert all("/zz_ping" in longer[name]() for name in blocks)
