"""What a person sees: an element is on screen, inside the viewport, and its text stands out
from what is behind it (WCAG contrast ratio), not merely present in the DOM."""

from __future__ import annotations

from playwright.sync_api import Locator

# The colour of the text and of the first opaque background behind it, as WCAG computes them.
CONTRAST_JS = """
(el) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return {r: 0, g: 0, b: 0, a: 0};
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = (c) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const style = getComputedStyle(el);
  const fg = parse(style.color);
  let node = el, bg = null;
  while (node && node.nodeType === 1) {
    const b = parse(getComputedStyle(node).backgroundColor);
    if (b.a > 0.5) { bg = b; break; }
    node = node.parentElement;
  }
  bg = bg || {r: 255, g: 255, b: 255, a: 1};
  const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  const box = el.getBoundingClientRect();
  return {ratio: (hi + 0.05) / (lo + 0.05), opacity: Number(style.opacity),
          visibility: style.visibility, left: box.left, right: box.right,
          width: box.width, height: box.height, vw: window.innerWidth};
}
"""
MIN_CONTRAST = 4.5  # WCAG AA for body text


def seen(locator: Locator) -> dict[str, float | str]:
    """Return how the element is drawn: contrast ratio, opacity, box, viewport width."""
    result: dict[str, float | str] = locator.evaluate(CONTRAST_JS)
    return result


def assert_readable(locator: Locator, what: str = "") -> None:
    """Fail unless every element of the locator is drawn, inside the viewport, legible."""
    count = locator.count()
    assert count, f"nothing to see: {what or locator}"
    for i in range(count):
        el = locator.nth(i)
        s = seen(el)
        name = f"{what or locator} #{i} {el.inner_text()!r}"
        assert s["visibility"] == "visible" and float(s["opacity"]) > 0.9, (name, s)
        assert float(s["width"]) > 0 and float(s["height"]) > 0, (name, s)
        assert float(s["left"]) >= 0 and float(s["right"]) <= float(s["vw"]) + 0.5, (name, s)
        assert float(s["ratio"]) >= MIN_CONTRAST, (name, s)
