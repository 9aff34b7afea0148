"""The report narrative written by the configured language model, checked figure by figure before it is used.

Plugged into backend.reports.narrative by bots/reporting.py. The model gets the document's figures as they
are printed; its draft is checked with the same grounding rules as the assistant's answers, and a single
number that is not among the figures rejects the whole draft (NarrativeRejected): the document then
carries the template narrative and says why.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.grounding import unsupported_figures
from backend.reports.narrative import NarrativeRejected, NarrativeRequest
from backend.settings import Settings
from prompts import load

log = logging.getLogger("tandem.assistant.reports")

LANGUAGE_NAMES = {"en": "English", "vi": "Vietnamese (tiếng Việt)"}
MAX_TABLE_ROWS = 15
_MARKDOWN = re.compile(r"^\s*(#+\s*|[-*]\s+)|\*\*|__")

UNAVAILABLE = {"en": "The language model could not be reached, so the analysis was written from templates.",
               "vi": "Không kết nối được mô hình ngôn ngữ nên phần nhận định do mẫu câu viết."}
UNGROUNDED = {"en": "The language model's analysis stated {figures}, which {verb} not among the report's figures; "
                    "the analysis was written from templates instead.",
              "vi": "Phần nhận định của mô hình ngôn ngữ có {figures}, không có trong số liệu của báo cáo; phần "
                    "nhận định do mẫu câu viết thay."}


def _figures_for_model(request: NarrativeRequest) -> dict[str, Any]:
    """What the model reads: figures as printed (tables cut to their first rows), plus the template draft."""
    sources = request.sources
    tables = [{"title": t["title"], "columns": t["columns"], "rows": t["shown"][:MAX_TABLE_ROWS]} for t in sources["tables"]]
    return {"report": sources["title"], "period": sources["period"], "from": sources["start"], "to": sources["end"],
            "as_of": sources["as_of"], "currency": sources["currency"],
            "key_figures": [{"label": f["label"], "value": f["display"]} for f in sources["key_figures"]],
            "tables": tables, "draft_written_by_templates": "\n\n".join(request.template)}


def _paragraphs(text: str) -> list[str]:
    blocks = [" ".join(line.strip() for line in block.splitlines() if line.strip()) for block in re.split(r"\n\s*\n", text)]
    return [_MARKDOWN.sub("", block).strip() for block in blocks if block.strip()]


class ReportNarrativeWriter:
    """Callable(NarrativeRequest) -> paragraphs, for any LangChain chat model."""

    def __init__(self, model: BaseChatModel):
        self.model = model

    def __call__(self, request: NarrativeRequest) -> list[str]:
        document = request.document
        language = document.language
        system = load("report_narrative").format(company=document.company, language=LANGUAGE_NAMES[language])
        payload = json.dumps(_figures_for_model(request), ensure_ascii=False, default=str)
        try:
            reply = self.model.invoke([SystemMessage(system), HumanMessage(payload)])
        except Exception as exc:  # noqa: BLE001 - any provider failure means: publish the templates
            log.warning("report narrative: the language model failed (%s)", type(exc).__name__)
            raise NarrativeRejected(UNAVAILABLE[language]) from exc
        content = reply.content if isinstance(reply.content, str) else " ".join(
            part.get("text", "") for part in reply.content if isinstance(part, dict))
        paragraphs = _paragraphs(content)
        # The check runs on what will be published, against the figures only (not the draft, not the prompt).
        missing = unsupported_figures("\n\n".join(paragraphs), [request.sources])
        if missing:
            shown = ", ".join(dict.fromkeys(f.text for f in missing))
            raise NarrativeRejected(UNGROUNDED[language].format(figures=shown, verb="is" if len(missing) == 1 else "are"))
        return paragraphs


def writer_for(settings: Settings) -> ReportNarrativeWriter | None:
    """A writer over the configured OpenAI-compatible model, or None when none is reachable by configuration."""
    config = settings.llm
    key = config.api_key.get_secret_value() if config.api_key else None
    if not config.model or not (key or config.base_url):
        return None
    from assistant.brains.llm import CompatibleChatOpenAI

    model = CompatibleChatOpenAI(model=config.model, base_url=config.base_url, api_key=key or "not-needed",
                                 timeout=config.timeout_s, max_retries=config.max_retries,
                                 use_responses_api=False)
    return ReportNarrativeWriter(model)
