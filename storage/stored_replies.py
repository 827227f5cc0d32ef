"""Replies kept as JSON, so a process that takes over a half-delivered answer posts the
rest of it instead of running the request again; forms too, so one that could not be
opened when asked for opens later as it was."""

import base64
from dataclasses import asdict
from typing import Any

from contract.vocabulary import Attachment, Button, ButtonStyle, Form, FormField, Reply


def to_json(replies: list[Reply]) -> list[dict[str, Any]]:
    return [_reply_to_json(reply) for reply in replies]


def from_json(data: list[dict[str, Any]]) -> list[Reply]:
    return [_reply_from_json(reply) for reply in data]


def form_to_json(form: Form) -> dict[str, Any]:
    return asdict(form)


def form_from_json(data: dict[str, Any]) -> Form:
    fields = tuple(
        FormField(**{**field, "choices": tuple(field["choices"])}) for field in data["fields"]
    )
    return Form(**{**data, "fields": fields})


def _reply_to_json(reply: Reply) -> dict[str, Any]:
    data = asdict(reply)
    data["attachments"] = [
        {**attachment, "content": base64.b64encode(attachment["content"]).decode("ascii")}
        for attachment in data["attachments"]
    ]
    return data


def _reply_from_json(data: dict[str, Any]) -> Reply:
    form = data["form"]
    return Reply(
        **{
            **data,
            "link": _button(data["link"]) if data["link"] else None,
            "buttons": tuple(_button(button) for button in data["buttons"]),
            "form": form_from_json(form) if form else None,
            "attachments": tuple(
                Attachment(**{**a, "content": base64.b64decode(a["content"])})
                for a in data["attachments"]
            ),
        }
    )


def _button(data: dict[str, Any]) -> Button:
    return Button(**{**data, "style": ButtonStyle(data["style"])})
