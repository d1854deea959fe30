"""report monitor: watches government report pages and alerts when the tier or the findings change."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The one place the version is written (pyproject.toml reads it).
__version__ = "0.1.0"

# The public names, each imported from its module when first asked for: importing one module of the package
# (the extraction process imports only the extractor) does not load the configuration's YAML parser.
_HOMES = {
    "Config": "config", "load_config": "config",
    "ConfigError": "errors", "ExtractError": "errors", "FetchError": "errors", "MonitorError": "errors",
    "NotifyError": "errors", "StoreError": "errors",
    "Change": "models", "CheckResult": "models", "Document": "models",
}

if TYPE_CHECKING:
    from .config import Config, load_config
    from .errors import ConfigError, ExtractError, FetchError, MonitorError, NotifyError, StoreError
    from .models import Change, CheckResult, Document

__all__ = [
    "Change", "CheckResult", "Config", "ConfigError", "Document", "ExtractError", "FetchError", "MonitorError",
    "NotifyError", "StoreError", "__version__", "load_config",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
