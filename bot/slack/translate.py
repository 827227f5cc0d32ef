"""Slack payloads to the neutral vocabulary and back, with no I/O: the one place that knows
what Slack's JSON looks like. Tested by replaying recorded payloads
(`tests/fixtures/slack/`).

Inbound: a slash command, a mention or a direct message becomes a `Command`; a button
click or a modal submission becomes an `Action` (or a `Command`, for the adapter's own
"run this command" buttons). Each comes with an `Origin`, which says where the answers go.

Outbound: a `Reply` becomes Block Kit blocks, a `Form` a modal view.
"""

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    HeaderBlock,
    MarkdownBlock,
    SectionBlock,
    StaticSelectElement,
)

from contract.splitting import split_reply
from contract.vocabulary import (
    MENTION,
    ZONE_NOTE,
    Action,
    Actor,
    Button,
    ButtonStyle,
    Command,
    Form,
    FormField,
    Moment,
    Picker,
    Place,
    Platform,
    Reply,
    rewrite_times,
)

Payload = Mapping[str, Any]
Block = dict[str, Any]

# Buttons the adapter adds itself: one that runs a command as if typed (App Home quick
# actions), one that opens a form kept for later (see `form_shelf.py`), and link buttons,
# whose clicks Slack reports too.
RUN_COMMAND = "larch.run"
OPEN_FORM = "larch.open_form"
LINK = "larch.link"
FORM_CALLBACK_ID = "larch.form"

# Slack wants action ids unique within a message, and two "See also" buttons share ours;
# each button's id gets `#<index>`, which is taken off again when the click comes back.
INDEX_SEPARATOR = "#"

# Block Kit limits, as slack_sdk validates them (https://docs.slack.dev/reference/block-kit).
HEADER_CHARS = HeaderBlock.text_max_length
SECTION_CHARS = SectionBlock.text_max_length
BUTTON_LABEL_CHARS = ButtonElement.text_max_length
BUTTONS_PER_BLOCK = ActionsBlock.elements_max_length
MAX_OPTIONS = StaticSelectElement.options_max_length
PLACEHOLDER_CHARS = StaticSelectElement.placeholder_max_length
# Slack refuses a message whose blocks hold more text in all than about 13,000 characters
# (`msg_blocks_too_long`; undocumented, see slackapi/bolt-js#2509); 12,000 is the one
# cumulative limit it documents (the markdown block's). A longer reply is sent as several
# messages, broken between lines.
MESSAGE_TEXT_CHARS = MarkdownBlock.text_max_length
FALLBACK_CHARS = 3000
MODAL_TITLE_CHARS = 24
OPTION_VALUE_CHARS = 150
INPUT_CHARS = 3000

# Slack's date markup (https://docs.slack.dev/messaging/formatting-message-text#date-formatting):
# "Mar 3, 2026 at 10:30 AM", or "Today at …", in each reader's zone and clock.
DATE_AND_TIME = "{date_short_pretty} at {time}"


@dataclass(frozen=True)
class Origin:
    """Where a request came from, so that its answers go back to the right place.

    An answer is as visible as the question: a slash command or a click is seen only by
    the person who made it (`ephemeral`), a mention is seen by the channel, a direct
    message is private anyway.
    """

    user_id: str
    channel_id: str | None = None
    thread_ts: str | None = None
    is_direct: bool = False
    ephemeral: bool = False
    response_url: str | None = None
    trigger_id: str | None = None


# --- inbound: what a request must hold -------------------------------------------------


class Malformed(ValueError):
    """A payload whose fields are missing, or not of the types Slack sends; the message
    names the field."""


# What a Slack id (a user, a bot, a channel) is made of: one written into `<@…>` can be
# nothing else, so no text can close a mention early and open a `<!channel>` of its own.
_SLACK_ID = re.compile(r"[A-Z0-9]{1,64}")


def check_payload(body: object) -> None:
    """Raise `Malformed` unless every field the bot reads from this kind of request is there
    (where it must be) with the type Slack documents. Kinds the bot does not read pass, as
    do fields it does not read: Slack adds new ones."""
    if not isinstance(body, Mapping):
        raise Malformed("the payload is not an object")
    if "command" in body:
        _id(body, "user_id")
        _strings(body, "text", "channel_id", "user_name", "response_url", "trigger_id")
    kind = body.get("type")
    if kind in ("block_actions", "view_submission"):
        user = _object(body, "user")
        _id(user, "id", "user.")
        _strings(user, "name", where="user.")
        _strings(body, "response_url", "trigger_id")
    if kind == "block_actions":
        _check_click(body)
    elif kind == "view_submission":
        _check_view(_object(body, "view"))
    elif kind == "event_callback":
        _strings(body, "event_id")
        _check_event(_object(body, "event"))


def _check_click(body: Payload) -> None:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise Malformed("actions is not a list of actions")
    clicked = _as_object(actions[0], "actions[0]")
    _strings(clicked, "action_id", "value", where="actions[0].")
    for key in ("channel", "container", "message"):
        part = _object(body, key, required=False)
        _strings(part, "id", "channel_id", "thread_ts", where=f"{key}.")


def _check_view(view: Payload) -> None:
    _strings(view, "private_metadata", where="view.")
    values = _object(_object(view, "state", required=False), "values", required=False)
    for block_id in values:
        inputs = _object(values, block_id, where="view.state.values.")
        for name in inputs:
            state = _object(inputs, name, where=f"view.state.values.{block_id}.")
            _strings(state, "type", "value", where=f"{block_id}.{name}.")
            _strings(_object(state, "selected_option", required=False), "value")
            picked = state.get("selected_options") or []
            if not isinstance(picked, list):
                raise Malformed(f"{block_id}.{name}.selected_options is not a list")
            for option in picked:
                _strings(_as_object(option, f"{block_id}.{name}.selected_options[]"), "value")


def _check_event(event: Payload) -> None:
    kind = event.get("type")
    if kind not in ("message", "app_mention", "app_home_opened"):
        return
    _strings(event, "text", "subtype", "channel_type", "thread_ts", "bot_id", "tab", where="event.")
    if "user" in event or kind != "message":
        _id(event, "user", "event.")
    if kind == "app_mention" or event.get("channel_type") == "im":
        _id(event, "channel", "event.")


def _object(payload: Payload, key: str, *, required: bool = True, where: str = "") -> Payload:
    value = payload.get(key)
    return {} if value is None and not required else _as_object(value, f"{where}{key}")


def _as_object(value: object, name: str) -> Payload:
    if not isinstance(value, Mapping):
        raise Malformed(f"{name} is {_kind(value)}, not an object")
    return value


def _strings(payload: Payload, *keys: str, where: str = "") -> None:
    for key in keys:
        value = payload.get(key)
        if value is not None and not isinstance(value, str):
            raise Malformed(f"{where}{key} is {_kind(value)}, not text")


def _id(payload: Payload, key: str, where: str = "") -> None:
    value = payload.get(key)
    if not isinstance(value, str) or not _SLACK_ID.fullmatch(value):
        raise Malformed(f"{where}{key} is {_kind(value)}, not a Slack id")


def _kind(value: object) -> str:
    return "missing" if value is None else f"a {type(value).__name__}"


# --- inbound --------------------------------------------------------------------------

_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>")
_SLACK_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>")


def neutral_text(text: str) -> str:
    """Slack's message markup as plain text, with user mentions in the neutral form."""
    text = _SLACK_USER.sub(lambda m: f"<@{Platform.SLACK.value}:{m[1]}>", text)
    text = _SLACK_CHANNEL.sub(lambda m: f"#{m[1]}", text)
    text = _SLACK_SPECIAL.sub(lambda m: f"@{m[1]}", text)
    text = _SLACK_LINK.sub(lambda m: m[2] or m[1], text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slash_command(body: Payload) -> tuple[Command, Origin]:
    text = neutral_text(body.get("text") or "")
    channel_id = body.get("channel_id")
    origin = Origin(
        user_id=body["user_id"],
        channel_id=channel_id,
        is_direct=_is_direct(channel_id),
        ephemeral=True,
        response_url=body.get("response_url"),
        trigger_id=body.get("trigger_id"),
    )
    actor = Actor(Platform.SLACK, body["user_id"], display_name=body.get("user_name") or "")
    return Command(actor, text, _place(origin)), origin


def mention(event: Payload, bot_user_id: str | None) -> tuple[Command, Origin]:
    """`@LARCH what is WRES?` in a channel: the bot's own leading mention is not part of
    the question."""
    text = neutral_text(event.get("text") or "").strip()
    if bot_user_id:
        own = f"<@{Platform.SLACK.value}:{bot_user_id}>"
        if text.startswith(own):
            text = text[len(own) :].lstrip(" :,")
    origin = Origin(
        user_id=event["user"],
        channel_id=event["channel"],
        thread_ts=event.get("thread_ts"),
    )
    return Command(_event_actor(event), text, _place(origin)), origin


def direct_message(event: Payload) -> tuple[Command, Origin] | None:
    """A message in the bot's DM; None for anything else the `message` event carries
    (edits, deletions, joins, channels the bot merely sits in)."""
    if event.get("channel_type") != "im" or event.get("subtype") not in (None, "bot_message"):
        return None
    if "user" not in event and "bot_id" not in event:
        return None
    text = neutral_text(event.get("text") or "").strip()
    origin = Origin(
        user_id=event.get("user") or event["bot_id"],
        channel_id=event["channel"],
        thread_ts=event.get("thread_ts"),
        is_direct=True,
    )
    return Command(_event_actor(event), text, _place(origin)), origin


def block_action(body: Payload) -> tuple[Command | Action, Origin] | None:
    """A button click; None for a link button, which needs no answer."""
    clicked = body["actions"][0]
    action_id = _our_action_id(clicked.get("action_id", ""))
    if action_id == LINK:
        return None
    # A pick from a menu (a `Picker` too long for buttons) carries its value in the option.
    value = clicked.get("value") or (clicked.get("selected_option") or {}).get("value") or ""
    container = body.get("container") or {}
    channel_id = (body.get("channel") or {}).get("id") or container.get("channel_id")
    message = body.get("message") or {}
    origin = Origin(
        user_id=body["user"]["id"],
        channel_id=channel_id,
        thread_ts=message.get("thread_ts"),
        is_direct=_is_direct(channel_id),
        ephemeral=True,
        response_url=body.get("response_url"),
        trigger_id=body.get("trigger_id"),
    )
    actor = _interaction_actor(body)
    if action_id == RUN_COMMAND:
        return Command(actor, value, _place(origin)), origin
    return Action(actor, action_id, value, place=_place(origin)), origin


def kept_form_key(body: Payload) -> str | None:
    """The key of the kept form an "Open the form" click asks for; None for other clicks."""
    clicked = body["actions"][0]
    if _our_action_id(clicked.get("action_id", "")) != OPEN_FORM:
        return None
    return clicked.get("value") or ""


def view_submission(body: Payload) -> tuple[Action, Origin]:
    """A submitted modal. Its private metadata names the action; a view that does not
    carry ours becomes an action no handler knows, which the router answers kindly."""
    view = body["view"]
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    if not isinstance(metadata, dict):
        metadata = {}
    action_id = metadata.get("action_id")
    value = metadata.get("value")
    fields = _submitted_fields((view.get("state") or {}).get("values") or {})
    # The submission's trigger_id is left out: Slack's desktop app ignores a modal opened
    # with it (the listener answers a form with the ack instead, see listeners.py).
    origin = Origin(user_id=body["user"]["id"])
    action = Action(
        _interaction_actor(body),
        action_id if isinstance(action_id, str) else "",
        value if isinstance(value, str) else "",
        fields,
    )
    return action, origin


def _submitted_fields(values: Payload) -> dict[str, str]:
    fields = {}
    for block_id, inputs in values.items():
        for state in inputs.values():
            kind = state.get("type")
            if kind == "plain_text_input":
                fields[block_id] = state.get("value") or ""
            elif kind == "static_select":
                fields[block_id] = (state.get("selected_option") or {}).get("value", "")
            elif kind == "multi_static_select":
                picked = state.get("selected_options") or []
                fields[block_id] = ", ".join(option.get("value", "") for option in picked)
    return fields


def _event_actor(event: Payload) -> Actor:
    # Other apps' messages carry a bot_id; the router ignores bots. The bot's own
    # messages never get this far: Bolt drops them.
    is_bot = "bot_id" in event or event.get("subtype") == "bot_message"
    return Actor(Platform.SLACK, event.get("user") or event.get("bot_id", ""), is_bot=is_bot)


def _interaction_actor(body: Payload) -> Actor:
    user = body["user"]
    return Actor(Platform.SLACK, user["id"], display_name=user.get("name") or "")


def _place(origin: Origin) -> Place:
    return Place(origin.channel_id, origin.thread_ts, origin.is_direct)


def _is_direct(channel_id: str | None) -> bool:
    # Slack's direct-message conversation ids start with D.
    return channel_id is not None and channel_id.startswith("D")


def _our_action_id(slack_action_id: str) -> str:
    base, separator, index = slack_action_id.rpartition(INDEX_SEPARATOR)
    return base if separator and index.isdigit() else slack_action_id


# --- outbound -------------------------------------------------------------------------


def mrkdwn(text: str, times: Sequence[Moment] = ()) -> str:
    """Our text as Slack mrkdwn: `&`, `<` and `>` escaped, so that nothing in it (a member's
    `<!channel>` included) is markup, neutral Slack mentions turned back into real ones, and
    `times` in each reader's zone. Backticks mean code in both."""
    parts = []
    last = 0
    for found in MENTION.finditer(text):
        parts.append(_escape(text[last : found.start()]))
        if found["platform"] == Platform.SLACK.value and _SLACK_ID.fullmatch(found["user_id"]):
            parts.append(f"<@{found['user_id']}>")
        else:
            parts.append(_escape(f"@{found['user_id']}"))
        last = found.end()
    parts.append(_escape(text[last:]))
    return rewrite_times("".join(parts), times, _escape, _date)


def _date(moment: Moment) -> str:
    """Slack's date markup, which each reader sees in their own zone; its fallback (for
    clients that cannot show it) is the London wording and says so. How far ahead a time is
    reads the same in every zone, so a relative one keeps its words."""
    if moment.relative:
        return _escape(moment.words)
    if moment.end is None:
        return _date_token(moment.start, DATE_AND_TIME, moment.words + ZONE_NOTE)
    start = _date_token(moment.start, DATE_AND_TIME, moment.start_words)
    layout = "{time}" if moment.end_same_day else DATE_AND_TIME
    end = _date_token(moment.end, layout, moment.end_words + ZONE_NOTE)
    return f"{start}{moment.separator}{end}"


def _date_token(instant: datetime, layout: str, fallback: str) -> str:
    return f"<!date^{int(instant.timestamp())}^{layout}|{fallback}>"


def fallback_text(reply: Reply) -> str:
    """The `text` Slack shows in notifications and where blocks cannot be shown: times in
    London wording, said to be London time (Slack shows no date markup there)."""
    text = rewrite_times(mrkdwn(reply.text), reply.times, _escape, _london)
    return _cut(text, FALLBACK_CHARS)


def _london(moment: Moment) -> str:
    return moment.words if moment.relative else moment.words + ZONE_NOTE


def messages(reply: Reply) -> list[Reply]:
    """The reply as the messages Slack will take: one, or several when its text is longer
    than one message holds, each then within MESSAGE_TEXT_CHARS with its header and
    buttons."""
    controls = [reply.title or "", *(b.label for b in (*reply.buttons, *_picks(reply)))]
    room = MESSAGE_TEXT_CHARS - sum(len(text) for text in controls)
    return split_reply(reply, room, lambda text: len(mrkdwn(text.strip(), reply.times)))


def message_blocks(reply: Reply) -> list[Block]:
    """A reply as Block Kit: its title as a header, its text, then its buttons, with the
    "Read more" link first, then its picker. Its text must fit one message (`messages`)."""
    blocks: list[Block] = []
    body = reply.text
    if reply.title:
        blocks.append({"type": "header", "text": _plain(reply.title, HEADER_CHARS)})
        body = _without_title_line(body, reply.title)
    blocks += [_section(chunk) for chunk in _sections(body, reply.times)]
    buttons = [*([reply.link] if reply.link else []), *reply.buttons]
    picker = reply.picker
    if picker is not None and len(buttons) + len(picker.options) <= BUTTONS_PER_BLOCK:
        buttons += picker.as_buttons()
        picker = None
    elements = [_button(button, index) for index, button in enumerate(buttons)]
    if picker is not None:
        elements += _menus(picker, first_index=len(elements))
    for start in range(0, len(elements), BUTTONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": elements[start : start + BUTTONS_PER_BLOCK]})
    return blocks


def _picks(reply: Reply) -> tuple[Button, ...]:
    return reply.picker.as_buttons() if reply.picker else ()


def _menus(picker: Picker, first_index: int) -> list[Block]:
    """More choices than buttons fit: menus of up to MAX_OPTIONS choices each, every menu
    saying which stretch of the list it holds when there are several."""
    count = len(picker.options)
    menus = []
    for start in range(0, count, MAX_OPTIONS):
        stretch = picker.options[start : start + MAX_OPTIONS]
        placeholder = picker.placeholder
        if count > MAX_OPTIONS:
            placeholder += f" ({start + 1}–{start + len(stretch)} of {count})"
        menus.append(
            {
                "type": "static_select",
                "action_id": f"{picker.action_id}{INDEX_SEPARATOR}{first_index + len(menus)}",
                "placeholder": _plain(placeholder, PLACEHOLDER_CHARS),
                "options": [
                    {"text": _plain(c.label, BUTTON_LABEL_CHARS), "value": c.value} for c in stretch
                ],
            }
        )
    return menus


def home_view(replies: Sequence[Reply]) -> Block:
    return {"type": "home", "blocks": [block for r in replies for block in message_blocks(r)]}


def modal_view(form: Form, intro: str = "") -> Block:
    """A form as a modal, with `intro` (what the reply asking for it said: how to fill it
    in, or what to fix) above the inputs. Its action and value travel in the private
    metadata, which Slack hands back unchanged with the submission."""
    title = _modal_title(form.title)
    blocks: list[Block] = []
    if title != form.title:
        blocks.append({"type": "header", "text": _plain(form.title, HEADER_CHARS)})
    blocks += [_section(chunk) for chunk in _sections(intro)]
    blocks += [_input_block(field) for field in form.fields]
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK_ID,
        "title": _plain(title, MODAL_TITLE_CHARS),
        "submit": _plain(form.submit_label, MODAL_TITLE_CHARS),
        "close": _plain("Cancel", MODAL_TITLE_CHARS),
        "private_metadata": json.dumps({"action_id": form.action_id, "value": form.value}),
        "blocks": blocks,
    }


def open_form_button(key: str) -> Button:
    """Slack opens a modal only with a fresh click's trigger: this button's click opens the
    form kept under `key`."""
    return Button("Open the form", action_id=OPEN_FORM, value=key, style=ButtonStyle.PRIMARY)


def _input_block(field: FormField) -> Block:
    element: Block
    # Slack refuses a menu whose initial choice is not among its options, so an initial
    # choice beyond the first MAX_OPTIONS is left unselected rather than break the form.
    shown = field.choices[:MAX_OPTIONS]
    options = [_option(choice) for choice in shown]
    if field.choices and field.multiple:
        element = {"type": "multi_static_select", "options": options}
        typed = (choice.strip() for choice in field.initial.split(","))
        initial = [choice for choice in dict.fromkeys(typed) if choice in shown]
        if initial:
            element["initial_options"] = [_option(choice) for choice in initial]
    elif field.choices:
        element = {"type": "static_select", "options": options}
        if field.initial in shown:
            element["initial_option"] = _option(field.initial)
    else:
        element = {
            "type": "plain_text_input",
            "multiline": field.multiline,
            "max_length": min(field.max_length, INPUT_CHARS),
        }
        if field.initial:
            element["initial_value"] = field.initial
    element["action_id"] = field.name
    if field.placeholder:
        element["placeholder"] = _plain(field.placeholder, PLACEHOLDER_CHARS)
    return {
        "type": "input",
        "block_id": field.name,
        "label": _plain(field.label, 2000),
        "optional": not field.required,
        "element": element,
    }


def _option(choice: str) -> Block:
    return {"text": _plain(choice, BUTTON_LABEL_CHARS), "value": choice[:OPTION_VALUE_CHARS]}


def _button(button: Button, index: int) -> Block:
    element: Block = {"type": "button", "text": _plain(button.label, BUTTON_LABEL_CHARS)}
    if button.is_link:
        element["url"] = button.url
        element["action_id"] = f"{LINK}{INDEX_SEPARATOR}{index}"
    else:
        element["action_id"] = f"{button.action_id}{INDEX_SEPARATOR}{index}"
        element["value"] = button.value
    if button.style != ButtonStyle.DEFAULT:
        element["style"] = button.style.value
    return element


def _modal_title(title: str) -> str:
    """A modal's title holds 24 characters: a longer one ends at a whole word, and the
    modal repeats it in full as its header."""
    if len(title) <= MODAL_TITLE_CHARS:
        return title
    words = title[: MODAL_TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,:;-–")
    return f"{words}…"


def _without_title_line(text: str, title: str) -> str:
    """Handlers start their text with the title so that plain-text platforms show it;
    under a header it would be said twice."""
    first, _, rest = text.strip().partition("\n")
    return rest if first.strip() == title.strip() else text


def _sections(text: str, times: Sequence[Moment] = ()) -> list[str]:
    return list(_chunks(mrkdwn(text.strip(), times)))


def _chunks(text: str) -> Iterator[str]:
    """Pieces of at most SECTION_CHARS, broken at line ends where possible, never inside
    an escape (`&amp;`) or a mention (`<@U1>`)."""
    current = ""
    for line in text.split("\n"):
        while len(line) > SECTION_CHARS:
            if current:
                yield current
                current = ""
            cut = _safe_cut(line)
            yield line[:cut]
            line = line[cut:].lstrip()
        joined = f"{current}\n{line}" if current else line
        if len(joined) > SECTION_CHARS:
            yield current
            current = line
        else:
            current = joined
    if current.strip():
        yield current


def _safe_cut(line: str) -> int:
    cut = line.rfind(" ", 0, SECTION_CHARS)
    if cut <= 0:
        cut = SECTION_CHARS
        opened = max(line.rfind("&", 0, cut), line.rfind("<", 0, cut))
        if opened > cut - 20 and line.find(";" if line[opened] == "&" else ">", opened) >= cut:
            cut = opened
    return cut


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
