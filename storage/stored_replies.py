"""Replies kept as JSON, so a process that takes over a half-delivered answer posts the
rest of it instead of running the request again; forms too, so one that could not be
opened when asked for opens later as it was."""

import base64
from dataclasses import asdict
from datetime import datetime
from typing import Any

from contract.vocabulary import (
    Attachment,
    Button,
    ButtonStyle,
    Form,
    FormField,
    Moment,
    Option,
    Picker,
    Reply,
)


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
    data["times"] = [
        {**moment, "start": moment["start"].isoformat(), "end": _iso(moment["end"])}
        for moment in data["times"]
    ]
    return data


def _reply_from_json(data: dict[str, Any]) -> Reply:
    form, picker = data["form"], data["picker"]
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
            "picker": _picker(picker) if picker else None,
            "times": tuple(_moment(moment) for moment in data["times"]),
        }
    )


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


def _moment(data: dict[str, Any]) -> Moment:
    end = data["end"]
    return Moment(
        **{
            **data,
            "start": datetime.fromisoformat(data["start"]),
            "end": None if end is None else datetime.fromisoformat(end),
        }
    )


def _picker(data: dict[str, Any]) -> Picker:
    return Picker(**{**data, "options": tuple(Option(**option) for option in data["options"])})


def _button(data: dict[str, Any]) -> Button:
    return Button(**{**data, "style": ButtonStyle(data["style"])})
