"""spaCy pipeline components registered by refernlp (importing this module registers them)."""

from .base import Mark, ensure_extensions
from .cues import CueDetector
from .sentences import SentenceSplitter
from .slots import SlotExtractor
from .strategies import StrategyDetector

__all__ = ["CueDetector", "Mark", "SentenceSplitter", "SlotExtractor", "StrategyDetector", "ensure_extensions"]
