"""How labels are judged. Every backend turns processed drafts into class probabilities per task."""

from .fast import StackedClassifiers

__all__ = ["StackedClassifiers"]
