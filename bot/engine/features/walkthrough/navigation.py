"""Moving through the walkthrough: /aps, /cancel, /back, /restart, its buttons, typed answers.

Every transition is one compare-and-set write of the conversation (`commit`), so two clicks or two
instances cannot both advance it, and a restart resumes exactly where the user was. A button
carries the flow version, step, node and nonce it was made for (a `WalkButton`): a click on an
older one changes nothing ("this menu has expired"). The step a click leads to replaces the step
clicked (`ReplyMode.REPLACE`), and so does one a typed answer leads to where the answer was typed
in a form opened from the step (Discord).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from bot.engine import insight
from bot.engine.commands import N_, pgettext
from bot.engine.features.walkthrough.nodes import KINDS, Transition, reads_text, route
from bot.engine.features.walkthrough.outcome import outcome_choices
from bot.engine.reply import Action, ActionKind, Choice, ChoiceKind, Reply, ReplyKind, ReplyMode
from bot.engine.router import Router
from bot.engine.tokens import WalkButton
from bot.storage.records import Conversation

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.knowledge.model import Node

router = Router("walkthrough")
controls = Router("walkthrough controls")  # /cancel, /back, /restart: listed after the rest
BACK, RESTART, CANCEL = WalkButton.BACK, WalkButton.RESTART, WalkButton.CANCEL  # after its own
NAVIGATION = {"cancel": CANCEL, "back": BACK, "restart": RESTART}


@router.command(
    pgettext("command name", "aps"),
    N_("Your situation step by step: deadline and checklist"),
    groups=True,
)
async def aps(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    return await start(turn, conv)


@controls.command(
    pgettext("command name", "cancel"), N_("Stop the walkthrough"), hidden_on=("discord",)
)
async def cancel(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    # Discord lists no /cancel: its walkthrough messages carry their own Cancel button
    return await _navigate_command(turn, conv, "cancel")


@controls.command("back", offered=False)
async def back(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    return await _navigate_command(turn, conv, "back")


@controls.command("restart", offered=False)
async def restart(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    return await _navigate_command(turn, conv, "restart")


async def _navigate_command(turn: Turn, conv: Conversation | None, name: str) -> Reply:
    if not conv or not conv.node:
        return turn.reply(
            ReplyKind.INFO,
            turn.msg(
                turn.t.gettext("There is no walkthrough in progress. Send /aps to start one.")
            ),
        )
    return await navigate(turn, conv, NAVIGATION[name])


@router.button(WalkButton)
async def on_button(turn: Turn, conv: Conversation | None, button: WalkButton) -> Reply:
    """A walkthrough button: an option of the current step, or back / restart / cancel. The step
    it leads to replaces the step clicked."""
    return _in_place(await _on_button(turn, conv, button))


async def _on_button(turn: Turn, conv: Conversation | None, button: WalkButton) -> Reply:
    version, nonce, option = button.version, button.nonce, button.option
    flow = turn.kb.flow
    if (
        conv is not None
        and conv.node is not None
        and version == conv.flow_version != flow.version
        and nonce == conv.nonce
    ):
        # the knowledge was reloaded with a new walkthrough while this one was running
        return await start(turn, conv)
    if (
        conv is None
        or conv.node is None
        or version != flow.version
        or conv.flow_version != version
        or nonce != conv.nonce
        or button.step != conv.step
    ):
        return turn.expired()
    node = flow.by_index(button.node)
    if node is None or node.id != conv.node:
        return turn.expired()
    if option in (BACK, RESTART, CANCEL):
        return await navigate(turn, conv, option)
    pick = KINDS[node.kind].on_option
    move = pick(node, option) if pick else None
    return await advance(turn, conv, move) if move else turn.expired()


def _in_place(reply: Reply) -> Reply:
    """A walkthrough step replaces the message the user answered from."""
    if reply.kind in (ReplyKind.WALKTHROUGH, ReplyKind.ERROR):
        reply.mode = ReplyMode.REPLACE
    return reply


@router.text
async def on_text(turn: Turn, conv: Conversation | None, text: str) -> Reply | None:
    """Typed text while the walkthrough waits for it (a date); anything else is not ours."""
    reply = await _on_text(turn, conv, text)
    return _in_place(reply) if reply is not None else None


async def _on_text(turn: Turn, conv: Conversation | None, text: str) -> Reply | None:
    if not (conv and conv.node and turn.private):
        return None
    flow = turn.kb.flow
    if conv.flow_version != flow.version:
        if turn.parse_date(text) is not None or conv.node not in flow.nodes:
            return await start(turn, conv)  # an answer to a question that changed
        return None
    node = flow.nodes.get(conv.node)
    if node is None or not reads_text(node):
        return None
    move = KINDS[node.kind].on_text(turn, node, text)  # type: ignore[misc]
    if move is not None:
        return await advance(turn, conv, move)
    r = show(turn, conv)
    r.kind = ReplyKind.ERROR
    r.messages.insert(
        0,
        turn.msg(
            turn.t.gettext(
                "I couldn't read that as a date. Please write it like 15/03/2027, 2027-03-15 or "
                "15 March 2027."
            )
        ),
    )
    return r


async def start(turn: Turn, conv: Conversation | None) -> Reply:
    """Start the walkthrough (or resume it); in a group, offer to continue in private."""
    t = turn.t
    if not turn.private:
        return turn.reply(
            ReplyKind.INFO,
            turn.msg(
                t.gettext(
                    "The walkthrough asks about your personal situation, so let's continue in a "
                    "private chat."
                )
            ),
            actions=[Action(ActionKind.CONTINUE_PRIVATE, "aps", t.gettext("Continue in private"))],
        )
    flow = turn.kb.flow
    if conv and conv.node and conv.flow_version == flow.version and conv.node in flow.nodes:
        r = show(turn, conv)
        r.messages.insert(0, turn.msg(t.gettext("Let's continue where you left off.")))
        return r
    changed = bool(conv and conv.node and conv.flow_version != flow.version)
    conv = Conversation(
        node=route(turn, flow.start, {}),
        flow_version=flow.version,
        nonce=secrets.token_urlsafe(6)[:6].replace(".", "_"),
        step=0,
        updated_at=turn.now,
    )
    await turn.store.save(turn.key, conv)
    r = show(turn, conv)
    if changed:
        intro = t.gettext(
            "The walkthrough was updated since you started it, so let's start again from the "
            "first question. Sorry for the detour!"
        )
    else:
        intro = t.gettext(
            "Let's look at your situation: a few questions, one tap each. This is general "
            "information with sources, not legal advice. You can go back, restart or cancel at any "
            "step."
        )
    r.messages.insert(0, turn.msg(intro))
    return r


async def navigate(turn: Turn, conv: Conversation, option: str) -> Reply:
    if option == CANCEL:
        await turn.store.delete(turn.key)
        return turn.reply(
            ReplyKind.WALKTHROUGH,
            turn.msg(
                turn.t.gettext(
                    "Walkthrough cancelled. Send /aps to start again, or ask a question."
                )
            ),
            actions=[Action(ActionKind.END)],
        )
    start_node = turn.kb.flow.start
    if option == RESTART:
        conv.history, conv.answers = [], {}
        conv.node = route(turn, start_node, {})
    elif option == BACK:
        if not conv.history:
            conv.node = route(turn, start_node, {})
        else:
            conv.node = conv.history.pop()
            _forget_answers_from(turn, conv)
    return await commit(turn, conv)


def _forget_answers_from(turn: Turn, conv: Conversation) -> None:
    """Going back over a question un-answers it and everything set after it."""
    keep = set()
    for nid in conv.history:
        node = turn.kb.flow.nodes[nid]
        keep |= {k for o in node.options for k in o.set}
        if node.store:
            keep.add(node.store)
    conv.answers = {k: v for k, v in conv.answers.items() if k in keep}


async def advance(turn: Turn, conv: Conversation, move: Transition) -> Reply:
    conv.history.append(conv.node or turn.kb.flow.start)
    conv.answers.update(move.answers)
    conv.node = route(turn, move.target, conv.answers)
    return await commit(turn, conv)


async def commit(turn: Turn, conv: Conversation) -> Reply:
    conv.step += 1
    conv.updated_at = turn.now
    # the one write of this transition; it fails if another instance advanced meanwhile
    if not await turn.store.save(turn.key, conv, expected_step=conv.step - 1):
        return turn.expired()
    node = turn.kb.flow.nodes.get(conv.node or "")
    if node is not None and KINDS[node.kind].ends:  # an outcome reached now: counted once
        await turn.store.bump(insight.OUTCOME + node.id, insight.LANG + turn.t.code)
    return show(turn, conv)


def show(turn: Turn, conv: Conversation) -> Reply:
    """The current step (or the outcome reached), with its buttons and navigation."""
    node = turn.kb.flow.nodes[conv.node or turn.kb.flow.start]
    r = turn.reply(ReplyKind.WALKTHROUGH)
    behaviour = KINDS[node.kind]
    assert behaviour.view is not None, f"{node.kind} nodes are never shown"
    message, buttons = behaviour.view(turn, node, conv.answers)
    r.messages.append(message)
    if behaviour.ends:
        r.actions.append(Action(ActionKind.END))
        r.choices.extend(outcome_choices(turn, node, conv.answers))
    nav = _nav_view(turn)
    base = step_prefix(turn, conv, node)  # the step's signed prefix, ending with "."
    r.choices += [
        Choice(base + option, label, kind)
        for option, label, kind in (*buttons, *(nav if conv.history else nav[-1:]))
    ]
    return r


def step_prefix(turn: Turn, conv: Conversation, node: Node) -> str:
    """The signed prefix of this step's buttons (one MAC per step); each appends its option."""
    button = WalkButton(turn.kb.flow.version, conv.step, node.index, conv.nonce)
    return turn.codec.pack_prefix(button, turn.owner)


def _nav_view(turn: Turn) -> tuple[tuple[str, str, ChoiceKind], ...]:
    """Back, Restart, Cancel in the user's language (Cancel alone on the first step)."""
    t = turn.t

    def build() -> tuple[tuple[str, str, ChoiceKind], ...]:
        return (
            (BACK, t.gettext("« Back"), ChoiceKind.NAV),
            (RESTART, t.gettext("Restart"), ChoiceKind.NAV),
            (CANCEL, t.gettext("Cancel"), ChoiceKind.NAV),
        )

    return turn.cached(("", t.code, "nav", ""), build)
