"""The event-built YAML reader: the same data as ``yaml.safe_load`` (bar the strict booleans), with libyaml
and with the pure-Python parser, and a clear error for what a configuration file must not hold."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import yamldoc

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
data = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                    max_leaves=20)


@pytest.fixture(params=["libyaml", "pure"], autouse=True)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "libyaml":
        if yamldoc._FastLoader is None:
            pytest.skip("libyaml is not available")
    else:
        monkeypatch.setattr(yamldoc, "_FastLoader", None)
    yield request.param


def load(text: str) -> Any:
    return yamldoc.load(text, max_aliases=100)


@settings(max_examples=150, deadline=None)
@given(data, st.sampled_from([False, True, None]))
def test_reads_what_safe_load_reads(value: Any, flow: bool | None) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    assert load(text) == yaml.safe_load(text)


def test_anchors_aliases_and_merge_keys() -> None:
    text = """
defaults: &defaults {schedule: 1d, timeout: 30}
slow: &slow {timeout: 90, profile: generic}
sources:
  - <<: *defaults
    id: a
    timeout: 10
  - <<: [*slow, *defaults]
    id: b
  - &c {id: c}
  - *c
"""
    sources = load(text)["sources"]
    assert sources[0] == {"schedule": "1d", "timeout": 10, "id": "a"}   # the mapping's own key wins
    # Merging a list, an earlier mapping wins over a later one (the YAML merge-key specification; PyYAML's
    # own choice has changed between its versions).
    assert sources[1] == {"timeout": 90, "profile": "generic", "schedule": "1d", "id": "b"}
    assert sources[2] == sources[3] == {"id": "c"}
    without_list_merge = text.replace("<<: [*slow, *defaults]", "<<: *slow")
    assert load(without_list_merge) == yaml.safe_load(without_list_merge)


def test_only_true_and_false_are_booleans() -> None:
    assert load("on: [tier]\nyes: no\nx: true\ny: False\n") == {"on": ["tier"], "yes": "no", "x": True, "y": False}


def test_an_empty_text_is_none() -> None:
    assert load("") is None and load("# only a comment\n") is None


@pytest.mark.parametrize(("text", "message"), [
    ("a: &a [1]\n" + "".join(f"k{i}: *a\n" for i in range(101)), "more than 100 aliases"),
    ("a: *nowhere\n", "undefined alias"),
    ("a: !!python/object/apply:os.system ['true']\n", "unsupported tag"),
    ("a: !!set {x, y}\n", "unsupported tag"),
    ("a: !!binary [1]\n", "unsupported tag"),
    ("a: 1\n---\nb: 2\n", "single document"),
    ("? [a, b]\n: 1\n", "unhashable key"),
    ("a: {<<: 3}\n", "merge key"),
])
def test_refuses_what_a_configuration_must_not_hold(text: str, message: str) -> None:
    with pytest.raises(yaml.YAMLError, match=message):
        load(text)


def test_an_error_says_where() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        load("sources:\n  - id: a\n    url: *missing\n")
    assert caught.value.problem_mark is not None and caught.value.problem_mark.line == 2
