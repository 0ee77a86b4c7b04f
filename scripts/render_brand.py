"""Render the brand PNGs Home Assistant and HACS show from the SVG sources in brand/.

    .venv/bin/python scripts/render_brand.py

Writes custom_components/synway_ippbx/brand/: icon.png (256 x 256) and icon@2x.png
(512 x 512), logo.png and dark_logo.png (128 px high) and their @2x (256 px high), all
with transparent backgrounds. Chromium draws them (Debian's, through Playwright, as the
browser tests do), so the PNGs match what a browser makes of the SVGs.
"""

import asyncio
from pathlib import Path
import re

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "brand"
TARGET = ROOT / "custom_components" / "synway_ippbx" / "brand"
CHROMIUM = "/usr/bin/chromium"
# Source file, PNG name, height of the 1x PNG (the width follows the SVG's aspect ratio).
IMAGES = (
    ("icon.svg", "icon", 256),
    ("logo.svg", "logo", 128),
    ("dark_logo.svg", "dark_logo", 128),
)


def _aspect(svg: str) -> float:
    """Width over height, from the SVG's viewBox."""
    match = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if match is None:
        raise ValueError("the SVG needs a viewBox")
    return float(match.group(1)) / float(match.group(2))


async def render() -> list[Path]:
    """Render every image at 1x and 2x; return the files written."""
    written: list[Path] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"]
        )
        for source, name, height in IMAGES:
            svg = (SOURCES / source).read_text(encoding="utf-8")
            for scale, suffix in ((1, ""), (2, "@2x")):
                size_h = height * scale
                size_w = round(size_h * _aspect(svg))
                page = await browser.new_page(
                    viewport={"width": size_w, "height": size_h}
                )
                sized = re.sub(
                    r'width="[\d.]+" height="[\d.]+"',
                    f'width="{size_w}" height="{size_h}"',
                    svg,
                    count=1,
                )
                await page.set_content(
                    '<html><body style="margin:0;background:transparent">'
                    f'<div style="display:flex">{sized}</div></body></html>'
                )
                path = TARGET / f"{name}{suffix}.png"
                await page.screenshot(path=str(path), omit_background=True)
                await page.close()
                written.append(path)
        await browser.close()
    return written


def main() -> None:
    """Render and list what was written."""
    for path in asyncio.run(render()):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
