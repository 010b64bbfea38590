"""The outcome's documents as a personal checklist: tap to tick, saved, progress in the header.

The Store keeps, per user and outcome, the indexes of the documents that apply to the user and of
those ticked; never the documents' text or the answers that selected them. Which documents apply is
decided once, when the checklist is opened under an outcome: the "My checklist" button carries them
as a signed bit mask, so the checklist outlives the walkthrough state (which expires sooner).
Ticking an item redraws the checklist in place of the one clicked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.commands import N_, pgettext
from bot.engine.reply import Choice, Reply, ReplyKind, ReplyMode
from bot.engine.router import Router
from bot.engine.tokens import ChecklistAction, ChecklistButton
from bot.engine.turn import inlines
from bot.knowledge.model import NodeKind, flow_context
from bot.markup import Bold, BulletList, Paragraph, Text, plain_text, shorten
from bot.storage.records import Checklist

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.knowledge.model import Node
    from bot.storage.records import Conversation

router = Router("checklist")
MAX_LABEL = 48  # characters of a document shown on its button (the list above has it whole)
TICKED, UNTICKED = "✅", "⬜"


def applicable(node: Node, answers: dict[str, str]) -> tuple[int, ...]:
    return tuple(i for i, item in enumerate(node.documents) if item.applies(answers))


def open_choice(turn: Turn, node: Node, answers: dict[str, str]) -> Choice | None:
    """ "My checklist" under an outcome that has documents for this user."""
    items = applicable(node, answers)
    if not items:
        return None
    mask = format(sum(1 << i for i in items), "x")
    button = ChecklistButton(ChecklistAction.OPEN, turn.kb.flow.version, node.index, mask)
    return Choice(turn.token(button), turn.t.gettext("📋 My checklist"))


@router.command(pgettext("command name", "checklist"), N_("Your document checklist, to tick off"))
async def on_command(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    """/checklist: the walkthrough's current outcome, else the checklist changed last."""
    if not turn.private:
        return turn.personal()
    key = turn.key
    flow = turn.kb.flow
    if conv and conv.node and conv.flow_version == flow.version:
        node = flow.nodes.get(conv.node)
        if node is not None and node.kind is NodeKind.OUTCOME:
            items = applicable(node, conv.answers)
            if items:
                return await _open(turn, node, items)
    found = await turn.store.get_checklist(key.platform, key.user)
    if found is None:
        return turn.reply(
            ReplyKind.INFO,
            turn.msg(
                turn.t.gettext(
                    "You have no checklist yet. Send /aps: the walkthrough ends with the documents "
                    "you need, and a button to tick them off."
                )
            ),
        )
    node = flow.nodes.get(found.outcome)
    if found.flow_version != flow.version or node is None:
        return turn.reply(
            ReplyKind.INFO,
            turn.msg(
                turn.t.gettext(
                    "The walkthrough has changed since you made your checklist. Send /aps again "
                    "for an up-to-date one."
                )
            ),
        )
    return render(turn, node, found)


@router.button(ChecklistButton)
async def on_button(turn: Turn, conv: Conversation | None, button: ChecklistButton) -> Reply:
    """Open the checklist (with the mask of its items) or tick/untick one item."""
    flow = turn.kb.flow
    if button.version != flow.version:
        return turn.expired()
    action, arg = button.action, button.arg
    node = flow.by_index(button.node)
    if node is None or node.kind is not NodeKind.OUTCOME or not turn.private:
        return turn.expired()
    if action is ChecklistAction.OPEN:
        try:
            mask = int(arg, 16)
        except ValueError:
            return turn.expired()
        items = tuple(i for i in range(len(node.documents)) if mask >> i & 1)
        return await _open(turn, node, items) if items else turn.expired()
    if action is ChecklistAction.TICK and arg.isdigit():
        key = turn.key
        store = turn.store
        found = await store.get_checklist(key.platform, key.user, node.id)
        item = int(arg)
        if found is None or found.flow_version != flow.version or item not in found.items:
            return turn.expired()  # forgotten (/forget, retention) or made on an older walkthrough
        ticked = found.ticked ^ {item}
        updated = Checklist(node.id, flow.version, found.items, ticked, turn.now)
        await store.save_checklist(key.platform, key.user, updated)
        redrawn = render(turn, node, updated)
        redrawn.mode = ReplyMode.REPLACE
        return redrawn
    return turn.expired()


async def _open(turn: Turn, node: Node, items: tuple[int, ...]) -> Reply:
    """The user's checklist for `node`, created (or brought up to date) with `items`."""
    key = turn.key
    store = turn.store
    found = await store.get_checklist(key.platform, key.user, node.id)
    version = turn.kb.flow.version
    ticked = found.ticked & set(items) if found and found.flow_version == version else frozenset()
    checklist = Checklist(node.id, version, items, frozenset(ticked), turn.now)
    if found != checklist:
        await store.save_checklist(key.platform, key.user, checklist)
    return render(turn, node, checklist)


def render(turn: Turn, node: Node, checklist: Checklist) -> Reply:
    """Header with progress, the items with their marks, one button per item."""
    t = turn.t
    done, total = len(checklist.ticked), len(checklist.items)
    title = t.pgettext(flow_context(node.id, "title"), node.title)
    blocks: list = [
        *turn.msg(
            t.gettext("**📋 Your checklist: {done}/{total}**"), done=str(done), total=str(total)
        ),
        Paragraph((Text(title),)),
    ]
    lines = []
    choices = []
    for n, index in enumerate(checklist.items, 1):
        text = inlines(
            turn.knowledge_text(flow_context(node.id, "documents"), node.documents[index].text)
        )
        mark = TICKED if index in checklist.ticked else UNTICKED
        lines.append((Text(mark + " "), *text))
        short = shorten(plain_text((Paragraph(text),)), MAX_LABEL)
        tick = ChecklistButton(ChecklistAction.TICK, turn.kb.flow.version, node.index, str(index))
        choices.append(Choice(turn.token(tick), f"{mark} {n}. {short}"))
    blocks.append(BulletList(tuple(lines)))
    if done == total:
        footer = t.gettext("All done! Check every document once more before you apply.")
    else:
        footer = t.gettext("Tap an item to tick it; tap it again to untick it.")
    blocks.append(
        Paragraph((Bold((Text(footer),)),)) if done == total else Paragraph((Text(footer),))
    )
    return turn.reply(ReplyKind.INFO, tuple(blocks), choices=choices)
