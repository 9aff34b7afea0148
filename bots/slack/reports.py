"""Report documents into Slack: a PDF uploaded to a thread (files upload v2), or posted to a channel on schedule."""
from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from backend.settings import Settings

log = logging.getLogger("tandem.slack")

REPORT_TOOL = "write_report"


@dataclass(frozen=True)
class ReportFile:
    filename: str
    content: bytes
    title: str


class SlackDeliveryError(Exception):
    """A report could not be delivered to Slack; the message says why in words an admin can act on."""


def upload_report(client: WebClient, channel: str, thread_ts: str | None, filename: str, pdf_bytes: bytes,
                  title: str) -> dict[str, Any]:
    """Upload a PDF into a channel (in the thread when `thread_ts` is given); returns Slack's file object."""
    response = client.files_upload_v2(channel=channel, thread_ts=thread_ts, filename=filename, content=pdf_bytes,
                                      title=title)
    return response.get("file") or {}


def _channel_id(client: WebClient, channel: str) -> str:
    """A channel id for '#name', 'name' or an id (C…/G…/D…), found with conversations.list."""
    name = channel.strip().lstrip("#")
    if name[:1] in ("C", "G", "D") and name.upper() == name:
        return name
    cursor = None
    while True:
        page = client.conversations_list(types="public_channel,private_channel", exclude_archived=True, limit=200,
                                         cursor=cursor)
        for conv in page.get("channels", []):
            if conv.get("name") == name:
                return conv["id"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            raise SlackDeliveryError(f"No channel called #{name} that the Tandem app can see. Check the name, or "
                                     "invite the app to the private channel (/invite @Tandem).")


def post_report(settings: Settings, channel: str, filename: str, pdf_bytes: bytes, title: str,
                *, client: WebClient | None = None) -> dict[str, Any]:
    """For the scheduler: post a report to `channel` ('#finance' or an id) with the configured bot token.

    Joins a public channel the app is not in yet; a private channel needs an /invite first.
    """
    from bots.slack.services import web_client

    client = client or web_client(settings)
    channel_id = _channel_id(client, channel)
    try:
        return upload_report(client, channel_id, None, filename, pdf_bytes, title)
    except SlackApiError as exc:
        if exc.response.get("error") != "not_in_channel":
            raise SlackDeliveryError(f"Slack refused the report for {channel}: {exc.response.get('error')}.") from exc
    try:
        client.conversations_join(channel=channel_id)
    except SlackApiError as exc:
        raise SlackDeliveryError(f"The Tandem app is not in {channel} and can't join it ({exc.response.get('error')}): "
                                 "invite it with /invite @Tandem.") from exc
    return upload_report(client, channel_id, None, filename, pdf_bytes, title)


def _content(result: dict[str, Any], files_root: Path) -> bytes | None:
    """The file of a write_report result: inline (content_base64) or stored on the server (path)."""
    inline = result.get("content_base64")
    if isinstance(inline, str) and inline:
        try:
            return base64.b64decode(inline, validate=True)
        except (binascii.Error, ValueError):
            log.warning("write_report returned content that is not base64; nothing uploaded")
            return None
    if not result.get("path"):
        return None
    path = Path(result["path"]).resolve()
    # Only files the tool stored under the data directory are sent anywhere.
    if not path.is_relative_to(files_root.resolve()) or not path.is_file():
        log.warning("write_report's file %s is not a stored report; nothing uploaded", path)
        return None
    return path.read_bytes()


def report_files(tool_calls: list[dict[str, Any]], files_root: Path) -> list[ReportFile]:
    """The documents the turn's successful `write_report` calls produced, to attach to the conversation."""
    files = []
    for call in tool_calls:
        result = call.get("result")
        if call.get("name") != REPORT_TOOL or call.get("status") != "ok" or not isinstance(result, dict):
            continue
        content = _content(result, files_root)
        if content is None:
            continue
        title = str(result.get("title") or "Report")
        filename = Path(str(result.get("filename") or f"{result.get('report') or 'report'}.pdf")).name
        files.append(ReportFile(filename=filename, content=content, title=title))
    return files
