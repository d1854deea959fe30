"""YAML text -> plain Python data (dicts, lists, scalars), built straight from the parser's events.

``yaml.safe_load`` first composes a tree of nodes, each with two position marks, and only then builds the
data: for a file of 10,000 sources that tree peaked at 26 MB and left 23 MB of fragmented heap behind,
for 3.5 MB of data - most of what a pass over 10,000 sources grew by. Building from the events keeps only
the data (8 MB in all). The result is what ``yaml.safe_load`` gives, with the same resolvers and scalar
constructors (anchors, aliases and ``<<`` merge keys included), except that:

- only ``true``/``false`` are booleans (YAML 1.1 would read the documented ``on:`` key as True);
- more than ``max_aliases`` aliases is an error (an alias bomb), and a tag outside the safe scalar,
  sequence and mapping tags is an error, as is anything after the first document.

libyaml parses when it is there (since 0.2.5 it also stops at a nesting depth of 1,000); otherwise
PyYAML's pure-Python parser, whose deep nesting ends in a RecursionError for the caller to report.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + name for name in ("null", "bool", "int", "float", "str", "timestamp", "binary"))
_SEQUENCE_TAGS = frozenset({None, "!", _TAG + "seq"})
_MAPPING_TAGS = frozenset({None, "!", _TAG + "map"})
_MERGE = _TAG + "merge"


class YAMLDocError(yaml.MarkedYAMLError):
    """A document this reader refuses (alias bomb, unsupported tag, undefined alias, ...), with its place."""


def _strict_booleans(loader: Any) -> None:
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TAG + "bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(_TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))


class _PureLoader(yaml.SafeLoader):
    """PyYAML's pure-Python parser with the safe resolvers and constructors (booleans: see the module)."""


_strict_booleans(_PureLoader)
_FastLoader: Any = None
if getattr(yaml, "__with_libyaml__", False) and yaml._yaml.get_version() >= (0, 2, 5):  # type: ignore[attr-defined]
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml's parser: several times faster on a file of thousands of sources."""

    _strict_booleans(_FastLoader)


def load(text: str, *, max_aliases: int) -> Any:
    """The first (and only) document of ``text`` as plain data; None for an empty text.

    Raises ``yaml.YAMLError`` (a ``MarkedYAMLError`` with the place, where there is one) for bad YAML.
    """
    loader = (_FastLoader or _PureLoader)(text)
    try:
        return _Builder(loader, max_aliases).document()
    finally:
        loader.dispose()


class _Builder:
    def __init__(self, loader: Any, max_aliases: int) -> None:
        self.loader = loader
        self.max_aliases = max_aliases
        self.aliases = 0
        self.anchors: dict[str, Any] = {}

    def document(self) -> Any:
        loader = self.loader
        loader.get_event()                       # StreamStart
        if loader.check_event(StreamEndEvent):
            return None
        loader.get_event()                       # DocumentStart
        value = self.value()
        end: Any = loader.get_event()           # DocumentEnd
        if not loader.check_event(StreamEndEvent):
            raise YAMLDocError("expected a single document in the stream", end.start_mark,
                               "but found another document", loader.peek_event().start_mark)
        return value

    def value(self) -> Any:
        event = self.loader.get_event()
        if isinstance(event, AliasEvent):
            return self.alias(event)
        if isinstance(event, ScalarEvent):
            value = self.scalar(event)
        elif isinstance(event, SequenceStartEvent):
            value = self.sequence(event)
        elif isinstance(event, MappingStartEvent):
            value = self.mapping(event)
        else:   # the parser only yields these inside a document
            raise YAMLDocError(None, None, f"unexpected {type(event).__name__}", event.start_mark)
        return value

    def alias(self, event: Any) -> Any:
        self.aliases += 1
        if self.aliases > self.max_aliases:
            raise YAMLDocError(None, None, f"more than {self.max_aliases} aliases", event.start_mark)
        if event.anchor not in self.anchors:
            raise YAMLDocError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
        return self.anchors[event.anchor]

    def scalar(self, event: Any) -> Any:
        loader = self.loader
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(ScalarNode, event.value, event.implicit)
        if tag not in _SCALAR_TAGS:
            raise YAMLDocError(None, None, f"unsupported tag {tag!r} on a scalar", event.start_mark)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        value = loader.yaml_constructors[tag](loader, node)
        if event.anchor is not None:
            self.anchors[event.anchor] = value
        return value

    def sequence(self, event: Any) -> list[Any]:
        if event.tag not in _SEQUENCE_TAGS:
            raise YAMLDocError(None, None, f"unsupported tag {event.tag!r} on a sequence", event.start_mark)
        items: list[Any] = []
        if event.anchor is not None:
            self.anchors[event.anchor] = items
        while not self.loader.check_event(SequenceEndEvent):
            items.append(self.value())
        self.loader.get_event()
        return items

    def mapping(self, event: Any) -> dict[Any, Any]:
        if event.tag not in _MAPPING_TAGS:
            raise YAMLDocError(None, None, f"unsupported tag {event.tag!r} on a mapping", event.start_mark)
        result: dict[Any, Any] = {}
        if event.anchor is not None:
            self.anchors[event.anchor] = result
        explicit: list[tuple[Any, Any]] = []
        merged: list[dict[Any, Any]] = []
        loader = self.loader
        while not loader.check_event(MappingEndEvent):
            key_event = loader.peek_event()
            if isinstance(key_event, ScalarEvent) and key_event.tag is None and \
                    loader.resolve(ScalarNode, key_event.value, key_event.implicit) == _MERGE:
                loader.get_event()
                merged.extend(self.merge_sources(loader.peek_event(), self.value()))
                continue
            key = self.value()
            try:
                hash(key)
            except TypeError:
                raise YAMLDocError("while constructing a mapping", event.start_mark,
                                   "found an unhashable key", key_event.start_mark) from None
            explicit.append((key, self.value()))
        loader.get_event()
        # As yaml.safe_load merges: a key of the mapping itself wins, then the first merged mapping.
        for source in reversed(merged):
            result.update(source)
        result.update(explicit)
        return result

    @staticmethod
    def merge_sources(event: Any, value: Any) -> list[dict[Any, Any]]:
        """The mappings a ``<<`` key merges, first one first: a mapping or a list of mappings."""
        if isinstance(value, dict):
            return [value]
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            return list(value)
        raise YAMLDocError(None, None, "a merge key (<<) takes a mapping or a list of mappings",
                           event.start_mark)
