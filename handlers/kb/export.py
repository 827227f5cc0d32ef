"""Approved suggestions written out as content files (`larch-bot kb export`), in the same
format as `knowledge/content/`, so curators can fold them into the curated set by pull
request. A row whose entry is already in the folder, by id or by link, is not written
again; once the file is merged, the bot serves the file and skips the row."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlmodel import Session

from contract.params import Word
from contract.specs import ExportFailed, ExportSpec
from handlers.kb.library import as_entry, review_dates, url_key
from handlers.services import Services
from knowledge.check import check_directory
from knowledge.entries import CONTENT_DIR, Entry, read_directory
from storage import kb


@dataclass
class Exported:
    written: list[Path] = field(default_factory=list)
    # Ids of approved entries the folder already has.
    present: list[str] = field(default_factory=list)


def export_approved(session: Session, directory: Path, tz: ZoneInfo) -> Exported:
    existing, _ = read_directory(directory)
    ids = {entry.id for entry in existing}
    links = {url_key(entry.url) for entry in existing if entry.url}
    states = kb.review_states(session)
    exported = Exported()
    for row in kb.approved_entries(session):
        if row.id in ids or row.url_key in links:
            exported.present.append(row.id)
            continue
        entry = as_entry(row, tz)
        path = directory / f"{entry.id}.md"
        path.write_text(
            content_file(entry, *review_dates(entry, states.get(entry.id))), encoding="utf-8"
        )
        exported.written.append(path)
    return exported


def content_file(entry: Entry, last_reviewed: date | None, review_by: date | None) -> str:
    """`entry` as a content file: YAML front matter, then the body."""
    front = {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "tags": list(entry.tags),
        "summary": entry.summary,
        "url": entry.url,
        "last_reviewed": last_reviewed,
        "review_by": review_by,
        "owner": entry.owner,
    }
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=90)
    return f"---\n{header}---\n{entry.body}\n"


OUT = Word("out", "The content folder to write into (default: knowledge/content)", required=False)


def export_to_folder(services: Services, values: Mapping[str, Any]) -> list[str]:
    """`larch-bot kb export`: the approved suggestions as files, then the folder checked."""
    out = Path(values.get(OUT.name) or CONTENT_DIR)
    if not out.is_dir():
        raise ExportFailed(f"--out: {out} is not a folder")
    with services.db.session() as session:
        exported = export_approved(session, out, services.timezone)
    lines = [f"wrote {path}" for path in exported.written]
    lines.append(f"{len(exported.written)} written, {len(exported.present)} already in {out}.")
    problems = check_directory(out)
    if problems:
        raise ExportFailed("\n".join([*lines, "The folder now has problems to fix:", *problems]))
    return lines


EXPORTS = [
    ExportSpec(
        "kb",
        "export",
        "Write approved suggestions as content files, to fold into the curated set by pull "
        "request; entries the folder already has (same id or link) are left alone",
        export_to_folder,
        params=(OUT,),
    )
]
