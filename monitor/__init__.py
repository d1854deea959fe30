"""report monitor: watches government report pages and alerts when the tier or the findings change."""

from .config import Config, load_config
from .errors import ConfigError, ExtractError, FetchError, MonitorError, NotifyError, StoreError
from .models import Change, CheckResult, Document

__version__ = "0.1.0"

__all__ = [
    "Change", "CheckResult", "Config", "ConfigError", "Document", "ExtractError", "FetchError", "MonitorError",
    "NotifyError", "StoreError", "__version__", "load_config",
]
