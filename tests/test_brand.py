"""Brand images: the SVG sources are kept, the PNGs are the sizes HA and HACS expect."""

from pathlib import Path

from PIL import Image
import pytest

ROOT = Path(__file__).parent.parent
SOURCES = ROOT / "brand"
BRAND = ROOT / "custom_components" / "synway_ippbx" / "brand"


def _pixels(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Every pixel as RGBA, row by row."""
    rgba = image.convert("RGBA")
    data = rgba.tobytes()
    return [
        (data[i], data[i + 1], data[i + 2], data[i + 3]) for i in range(0, len(data), 4)
    ]


@pytest.mark.parametrize("name", ["icon", "logo", "dark_logo"])
def test_svg_source_kept(name: str) -> None:
    """Every PNG has its SVG source in brand/."""
    svg = (SOURCES / f"{name}.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg ") and "viewBox" in svg


@pytest.mark.parametrize(
    ("name", "size"), [("icon.png", (256, 256)), ("icon@2x.png", (512, 512))]
)
def test_icon(name: str, size: tuple[int, int]) -> None:
    """Square icons, transparent around the rounded tile, opaque in the middle."""
    with Image.open(BRAND / name) as image:
        assert image.format == "PNG"
        assert image.size == size
        pixels = _pixels(image)
        width, height = size
        assert pixels[0][3] == 0
        assert pixels[(height // 2) * width + width // 2][3] == 255
        # Blue tile, white handset: both colours are there.
        colours = {pixel[:3] for pixel in pixels if pixel[3] == 255}
        assert (255, 255, 255) in colours
        assert any(b > 150 and r < 100 for r, _, b in colours)


@pytest.mark.parametrize("name", ["logo", "dark_logo"])
@pytest.mark.parametrize(("suffix", "height"), [("", 128), ("@2x", 256)])
def test_logo(name: str, suffix: str, height: int) -> None:
    """Landscape logos, shortest side 128 (256 at 2x), transparent background."""
    with Image.open(BRAND / f"{name}{suffix}.png") as image:
        assert image.format == "PNG"
        width, actual = image.size
        assert actual == height
        assert height < width <= 4 * height
        assert _pixels(image)[width - 1][3] == 0
