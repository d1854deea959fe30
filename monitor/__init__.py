"""report monitor: watches government report pages and alerts when the tier or the findings change."""

# The one place the version is written (pyproject.toml reads it); first, so that modules imported below
# may use it.
__version__ = "0.1.0"

from .config import Config, load_config
from .errors import ConfigError, ExtractError, FetchError, MonitorError, NotifyError, StoreError
from .models import Change, CheckResult, Document

__all__ = [
    "Change", "CheckResult", "Config", "ConfigError", "Document", "ExtractError", "FetchError", "MonitorError",
    "NotifyError", "StoreError", "__version__", "load_config",
]
