"""Generated-size grouping: the cheap pre-test never hides a name the pattern matches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mediatop.scan.variants import _VARIANT, split_variant

_SUFFIXES = st.one_of(
    st.builds(lambda w, h: f"-{w}x{h}".encode(), st.integers(0, 999_999), st.integers(0, 999_999)),
    st.sampled_from([b"-scaled", b"-rotated", b"@2x", b"@3x", b"-Scaled", b"@4x", b""]),
)
_PARTS = st.binary(max_size=8) | st.text("ab9x.-@dD", max_size=8).map(str.encode)


def _by_pattern_alone(prefix: bytes, name: bytes) -> tuple[bytes, str | None]:
    match = _VARIANT.match(name)
    if not match:
        return prefix + name, None
    label = match.group("dims") or match.group("word") or match.group("retina")
    return prefix + match.group("stem") + match.group("ext"), label.decode("ascii")


@given(stem=_PARTS, suffix=_SUFFIXES, ext=_PARTS)
def test_split_variant_agrees_with_its_pattern_on_any_name(
    stem: bytes, suffix: bytes, ext: bytes
) -> None:
    name = stem + suffix + b"." + ext
    assert split_variant(b"2024/05/", name) == _by_pattern_alone(b"2024/05/", name)


def test_generated_sizes_still_split_after_the_pre_test() -> None:
    assert split_variant(b"", b"photo-300x200.jpg") == (b"photo.jpg", "300x200")
    assert split_variant(b"a/", b"photo-scaled.jpg") == (b"a/photo.jpg", "scaled")
    assert split_variant(b"", b"logo@2x.png") == (b"logo.png", "@2x")
    assert split_variant(b"", b"file-123.jpg") == (b"file-123.jpg", None)
