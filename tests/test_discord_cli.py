"""`larch-bot serve discord` and `larch-bot run` with a Discord token: the real process,
configured only by environment variables, connects to the local fake Discord."""

import asyncio
import sys
from pathlib import Path

import pytest

from tests.conftest import bot_environment
from tests.fake_discord import APPLICATION_ID, GUILD_ID, TOKEN, FakeDiscord, user

START_UP_SECONDS = 60.0


def _environment(fake: FakeDiscord, tmp_path: Path, token: str = TOKEN) -> dict[str, str]:
    return bot_environment(
        tmp_path / "larch.db",
        DISCORD_TOKEN=token,
        DISCORD_GUILD_ID=str(GUILD_ID),
        DISCORD_API_BASE=fake.api_base,
    )


@pytest.mark.parametrize("command", [["serve", "discord"], ["run"]])
async def test_the_process_connects_syncs_commands_and_answers(
    fake: FakeDiscord, tmp_path: Path, command: list[str]
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *command, cwd=tmp_path, env=_environment(fake, tmp_path)
    )
    try:
        await fake.wait_for_call(
            "PUT",
            f"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands",
            seconds=START_UP_SECONDS,
        )
        await fake.wait_for_gateway(2)
        question = await fake.dispatch(
            "INTERACTION_CREATE", fake.slash("define", user(101, "Amara"), term="WRES")
        )
        answer = await fake.answer_to(question)
    finally:
        process.terminate()
        await process.wait()
    assert answer.body["data"]["embeds"][0]["title"] == "Workforce Race Equality Standard (WRES)"


async def test_a_token_discord_refuses_stops_start_up_with_a_message_naming_it(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        "discord",
        cwd=tmp_path,
        env=_environment(fake, tmp_path, token="not-the-token"),
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), START_UP_SECONDS)
    assert process.returncode == 2
    assert "DISCORD_TOKEN: Discord refused it" in stderr.decode()
    assert "Traceback" not in stderr.decode()
