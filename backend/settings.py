"""Tandem's settings: one pydantic-settings class read from TANDEM_* variables, cached per process."""
from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "placeholder", "xxx"}


class LLMSettings(BaseModel):
    model: str | None = Field(None, description="Chat model name; empty means the offline planner")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp...)")
    api_key: SecretStr | None = None
    timeout_s: float = 30.0
    max_retries: int = 2
    send_tool_choice: bool = False
    # A server too slow to read the prompt hands the turn to the offline planner after this long, not after the
    # whole timeout; 0 turns the watch off (and the provider is then asked without streaming where it can be).
    first_token_timeout_s: float = Field(5.0, ge=0, description="seconds to wait for the model's first token")
    context_length: int | None = Field(None, gt=0, description="the model's context in tokens; unset: ask the server")


class SlackSettings(BaseModel):
    bot_token: SecretStr | None = None
    app_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    api_url: str = "https://slack.com/api/"


class QuoteRules(BaseModel):
    """Discount limits per role (percent) and the margin floor below which a quote needs approval."""

    discount_limits: dict[str, Decimal] = Field(
        default_factory=lambda: {"sales": Decimal("10"), "manager": Decimal("25"), "admin": Decimal("100")}
    )
    margin_floor_pct: Decimal = Decimal("15")
    validity_days: int = 30


class SignInLimits(BaseModel):
    """Web sign-in throttling, per account (the e-mail typed, known or not) and per client address."""

    free_attempts: int = Field(5, ge=1, description="failed sign-ins per account before each failure adds a delay")
    address_free_attempts: int = Field(20, ge=1, description="failed sign-ins per client address before delays")
    max_delay_seconds: int = Field(900, ge=1, description="the longest delay; delays double from 1 s")
    lock_after: int = Field(20, ge=1, description="failed sign-ins that lock an account (`tandem user unlock`)")
    lock_minutes: int = Field(60, ge=1, description="how long a lock lasts unless an admin lifts it")
    window_minutes: int = Field(60, ge=1, description="failures older than this are forgotten")


class AccountingSettings(BaseModel):
    """The chart of accounts the ledger creates: the default numbering or Vietnam's VAS (Circular 200)."""

    chart: Literal["default", "vas"] = Field("default", description="default | vas (Thông tư 200 numbering)")
    # Account codes by posting role, over the chart's own (TANDEM_ACCOUNTING__CODES='{"bank": "1121"}').
    codes: dict[str, str] = Field(default_factory=dict, description="account code per role, overriding the chart")


class PurchasingRules(BaseModel):
    """Purchase orders whose total (VAT included) in the base currency is above the threshold wait for a manager's
    or an admin's approval (TANDEM_PURCHASING__APPROVAL_THRESHOLD)."""

    approval_threshold: Decimal = Field(Decimal("100000000"), ge=0,
                                        description="base-currency total above which a purchase order needs approval")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TANDEM_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    env: str = Field("development", description="development | test | production")
    data_dir: Path = Path("./tandem-data")
    database_url: str | None = None
    chroma_url: str | None = None
    docs_collection: str = Field("tandem-docs", description="Chroma collection holding the document passages")
    # Named rather than imported, so chromadb loads with the first search; another Chroma embedding function
    # (e.g. chromadb.utils.embedding_functions:OpenAIEmbeddingFunction) fits too.
    docs_embedding: str = Field("backend.docs.chroma_embedding:TandemEmbeddingFunction",
                                description="module:attribute of a zero-argument Chroma embedding function factory")
    secret_key: SecretStr = SecretStr("dev-only-secret-key")
    # Flat aliases keep the documented variables (TANDEM_LLM_MODEL, TANDEM_SLACK_BOT_TOKEN) short.
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    llm: LLMSettings = Field(default_factory=LLMSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    quotes: QuoteRules = Field(default_factory=QuoteRules)
    commission_rate_pct: Decimal = Decimal("3")
    # Expected years a customer keeps buying: customer lifetime value = yearly gross margin per customer × this.
    customer_lifetime_years: Decimal = Field(Decimal("3"), gt=0)
    confirmation_ttl_minutes: int = 15
    session_ttl_minutes: int = 480
    signin: SignInLimits = Field(default_factory=SignInLimits)
    purchasing: PurchasingRules = Field(default_factory=PurchasingRules)
    accounting: AccountingSettings = Field(default_factory=AccountingSettings)
    # Assistant turns per employee per minute, over every worker (0: no limit): a runaway script or client
    # must not monopolise the brain or run up a language model's bill.
    turns_per_minute: int = Field(30, ge=0)
    # Rate-limit and sign-in counters in Redis (redis://host:6379/0) instead of the database.
    redis_url: str | None = None
    # Report schedules run inside `tandem serve`: auto = only when schedules exist at start-up; on; off.
    scheduler: Literal["auto", "on", "off"] = "auto"
    scheduler_poll_seconds: float = Field(30.0, gt=0)

    @model_validator(mode="after")
    def _merge_flat_aliases(self) -> "Settings":
        if self.llm_model:
            self.llm.model = self.llm_model
        if self.llm_base_url:
            self.llm.base_url = self.llm_base_url
        if self.llm_api_key:
            self.llm.api_key = self.llm_api_key
        if self.llm.api_key is None and os.environ.get("OPENAI_API_KEY"):
            # The OpenAI SDK's own variable, honoured so an existing setup works as is.
            self.llm.api_key = SecretStr(os.environ["OPENAI_API_KEY"])
        for name in ("bot_token", "app_token", "signing_secret"):
            value = getattr(self, f"slack_{name}")
            if value:
                setattr(self.slack, name, value)
        if self.slack_api_url:
            self.slack.api_url = self.slack_api_url
        if self.env == "production":
            secret = self.secret_key.get_secret_value()
            if secret.startswith("dev-only") or secret.lower() in PLACEHOLDER_SECRETS:
                raise ValueError("TANDEM_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tandem.sqlite3').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"


@lru_cache
def get_settings() -> Settings:
    return Settings()
