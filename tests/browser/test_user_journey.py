"""A new user's first half hour, in a real browser against a real Home Assistant.

Log in, add the integration (a mistyped password first), look at the integration and the
shipped dashboard, place a call with the dial action and watch the extension ring on the
dashboard, then look at the extension's device page and the Activity page, and build a
device trigger in the automation editor. Each step saves a
screenshot: to docs/screenshots/ (the README shows them) when UPDATE_SCREENSHOTS=1 is set,
otherwise to a temporary folder, so a test run leaves the work tree clean.
"""

import os
from pathlib import Path
import re
import tempfile

from playwright.async_api import (
    Browser,
    Error as PlaywrightError,
    Locator,
    Page,
    expect,
)

from .stack import PASSWORD, PBX_PASSWORD, PBX_USERNAME, ROOT, USERNAME, Stack

SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "synway_ippbx_screenshots"
)
# Home Assistant's first page loads can be slow on a busy machine.
TIMEOUT_MS = 60_000


async def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


async def _log_in(page: Page, stack: Stack) -> None:
    await page.goto(stack.ha_url)
    await page.get_by_role("textbox", name="Username").fill(USERNAME)
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_text("Overview").first).to_be_visible()


async def _add_integration(page: Page, stack: Stack) -> None:
    """The config flow: a wrong password shows the error; the right one goes through."""
    await page.goto(f"{stack.ha_url}/config/integrations/dashboard")
    await page.get_by_role("button", name="Add integration").click()
    # Fill the brand search itself: keys typed elsewhere are shortcuts ("a" opens Assist).
    await page.get_by_placeholder("Search for a brand name").fill("Synway")
    await page.get_by_role("button", name="Synway IPPBX").click()
    await expect(page.get_by_text("Connect to your Synway IPPBX")).to_be_visible()
    await page.get_by_role("textbox", name="Host").fill(stack.pbx_host)
    await page.get_by_role("textbox", name="API username").fill(PBX_USERNAME)
    password = page.get_by_role("textbox", name="API password")
    await password.fill("not-the-password")
    await page.get_by_role("button", name="Submit").click()
    await expect(
        page.get_by_text("The PBX rejected the API username or password")
    ).to_be_visible()
    await _shot(page, "config_flow_error")

    await password.fill(PBX_PASSWORD)
    await page.get_by_role("button", name="Submit").click()
    # Home Assistant lists the new devices to name and place in areas.
    names = page.get_by_role("textbox", name="Device name")
    await expect(names.first).to_have_value("Synway IPPBX")
    await expect(names.nth(1)).to_have_value("Extension 1000")
    await _shot(page, "config_flow_devices")
    await page.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()


async def _integration_page(page: Page, stack: Stack) -> None:
    await page.goto(f"{stack.ha_url}/config/integrations/integration/synway_ippbx")
    await expect(page.get_by_text("Synway IPPBX", exact=True).first).to_be_visible()
    # The hub plus 8 extensions, 4 trunks and 2 queues.
    await expect(page.get_by_text("15 devices").first).to_be_visible()
    await _shot(page, "integration")


async def _device_page(page: Page, stack: Stack) -> None:
    await page.goto(f"{stack.ha_url}/config/devices/dashboard")
    await page.get_by_text("Extension 1000", exact=True).click()
    await expect(page.get_by_text("SIP extension").first).to_be_visible()
    # On a call, Other party and Call start disabled: Status carries what they said.
    await expect(page.get_by_text("Status", exact=True).first).to_be_visible()
    # A new PBX creates few entities per phone (issue 23): no figures, no forwarding.
    await expect(page.get_by_text("Calls today")).to_have_count(0)
    await expect(page.get_by_text("Always forward")).to_have_count(0)
    # The call placed before shows on the device's own activity.
    await expect(
        page.get_by_text(re.compile("ringing", re.IGNORECASE)).first
    ).to_be_visible()
    await _shot(page, "device")


def _cell(page: Page, extension: str) -> Locator:
    """The switchboard cell of an extension."""
    return page.locator("td").filter(has_text=f"Extension {extension}")


async def _dashboard(page: Page, stack: Stack) -> None:
    await page.goto(f"{stack.ha_url}/lovelace/switchboard")
    cells = page.locator("td").filter(has_text="Extension")
    await expect(cells).to_have_count(8)
    await expect(_cell(page, "1000")).to_contain_text(re.compile("Registered|Idle"))
    # The Phone system card: one block for the PBX, each figure under its own label.
    for label in ("Active calls", "Calls today", "Talk time today", "Last missed call"):
        await expect(page.get_by_text(re.compile(f"^{label}:")).first).to_be_visible()
    await expect(page.get_by_text(re.compile(r"\d active calls"))).to_have_count(0)
    await _shot(page, "dashboard")
    await page.goto(f"{stack.ha_url}/lovelace/queues-trunks")
    await expect(page.get_by_text("Queue 6700").first).to_be_visible()
    await expect(page.get_by_text("Trunk SIP-1").first).to_be_visible()
    await _shot(page, "dashboard_queues_trunks")


async def _dial_and_watch(page: Page, stack: Stack) -> None:
    """Call the dial action as the logged-in user; the switchboard shows the ringing."""
    await page.goto(f"{stack.ha_url}/lovelace/switchboard")
    await expect(_cell(page, "1000")).to_contain_text(re.compile("Registered|Idle"))
    await page.evaluate(
        """() => document.querySelector("home-assistant").hass.callService(
            "synway_ippbx", "dial", {extension: "1000", number: "1001"})"""
    )
    ringing = _cell(page, "1000")
    await expect(ringing).to_contain_text("Ringing")
    await expect(ringing.locator("font")).to_have_attribute("color", "#fb8c00")
    await expect(_cell(page, "1001")).to_contain_text(re.compile("Registered|Idle"))
    await _shot(page, "dashboard_ringing")


async def _recent_calls(page: Page, stack: Stack) -> None:
    """The call placed before is listed (in progress, or finished with its outcome)."""
    await page.goto(f"{stack.ha_url}/lovelace/recent-calls")
    await expect(page.get_by_text("Outcome").first).to_be_visible()
    await expect(
        page.get_by_role("cell", name="1001", exact=True).first
    ).to_be_visible()
    await _shot(page, "dashboard_recent_calls")


async def _blueprints(page: Page, stack: Stack) -> None:
    """The demo's Blueprints page lists the three shipped blueprints."""
    await page.goto(f"{stack.ha_url}/config/blueprint/dashboard")
    for name in (
        "Synway IPPBX – notify on a missed call",
        "Synway IPPBX – flash a light while an extension rings",
        "Synway IPPBX – doorbell intercom",
    ):
        await expect(page.get_by_text(name).first).to_be_visible()
    await _shot(page, "blueprints")


async def _device_trigger_editor(page: Page, stack: Stack) -> None:
    """The automation editor's Device trigger names the phone's moments after the phone."""
    await page.goto(f"{stack.ha_url}/config/automation/edit/new")
    await page.get_by_role("button", name="Add trigger").first.click()
    await page.get_by_role("button", name="By type").click()
    await page.get_by_text("Device", exact=True).click()
    await page.get_by_text("Triggers when something happens to a device").click()
    await page.get_by_text("Select a device").click()
    await page.get_by_placeholder("Search").fill("Extension 1000")
    await page.get_by_text("Extension 1000", exact=True).first.click()
    # The trigger field's label (the card's subtitle reads "Trigger" too, above it).
    await page.get_by_text("Trigger", exact=True).last.click()
    # The first is chosen at once: the card is named after it; the others are listed.
    await expect(
        page.get_by_role("heading", name="Extension 1000 is ringing")
    ).to_be_visible()
    for name in ("Extension 1000 missed a call", "Extension 1000: a call ends"):
        await expect(page.get_by_text(name, exact=True)).to_be_visible()
    await _shot(page, "device_trigger_editor")


async def _activity(page: Page, stack: Stack) -> None:
    await page.goto(f"{stack.ha_url}/logbook")
    await expect(page.get_by_text("Extension 1000").first).to_be_visible()
    await expect(
        page.get_by_text(re.compile("ringing", re.IGNORECASE)).first
    ).to_be_visible()
    await _shot(page, "activity")


async def _open_integration_page(page: Page, stack: Stack) -> None:
    """Open the integration's page; a navigation the frontend began itself (after a flow
    closed, the entry reloading) may abort ours once: go again.
    """
    url = f"{stack.ha_url}/config/integrations/integration/synway_ippbx"
    try:
        await page.goto(url)
    except PlaywrightError as err:
        if "ERR_ABORTED" not in str(err):
            raise
        await page.goto(url)


async def _options(page: Page, stack: Stack) -> None:
    """The options: families to tick, screening's settings only once switched on."""
    await _open_integration_page(page, stack)
    await page.get_by_role("button", name="Configure").first.click()
    await expect(page.get_by_text("Entities per phone").first).to_be_visible()
    await expect(page.get_by_text("If the automation does not decide")).to_have_count(0)
    await expect(page.get_by_text("Screen inbound calls").first).to_be_visible()
    await _shot(page, "options")
    toggle = page.get_by_role("switch", name="Screen inbound calls")
    if await toggle.count():
        await toggle.click()
    else:  # A frontend that leaves the switch unnamed: its label toggles it.
        await page.get_by_text("Screen inbound calls", exact=True).first.click()
    await page.get_by_role(
        "button", name=re.compile("submit|next", re.IGNORECASE)
    ).click()
    await expect(
        page.get_by_text("If the automation does not decide").first
    ).to_be_visible()
    await _shot(page, "options_screening")
    await page.get_by_role("button", name="Submit").click()
    await page.get_by_role(
        "button", name=re.compile("finish|close", re.IGNORECASE)
    ).first.click()


async def _second_pbx(page: Page, stack: Stack) -> None:
    """A second PBX on the same host is named in the form; its entity ids carry it."""
    await _open_integration_page(page, stack)
    await page.get_by_role("button", name="Add hub").click()
    # Required fields read "Name*".
    name = page.get_by_role("textbox", name=re.compile(r"^Name\*?$"))
    await expect(name).to_have_value("Synway IPPBX 2")
    await page.get_by_role("textbox", name="Host").fill(stack.second_pbx_host)
    await page.get_by_role("textbox", name="API username").fill(PBX_USERNAME)
    await page.get_by_role("textbox", name="API password").fill(PBX_PASSWORD)
    await page.get_by_role("button", name="Submit").click()
    names = page.get_by_role("textbox", name="Device name")
    await expect(names.first).to_have_value("Synway IPPBX 2")
    await page.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()
    await page.goto(f"{stack.ha_url}/config/entities")
    # The visible search box reads "Search 65 entities".
    await page.get_by_placeholder(re.compile(r"^Search \d+ entities")).fill(
        "extension_1001_status"
    )
    second = page.get_by_text("Synway IPPBX 2 Extension 1001").first
    await expect(second).to_be_visible()
    await expect(page.get_by_text("Extension 1001", exact=True).first).to_be_visible()
    await _shot(page, "entity_ids_two_pbxs")
    # Entity ids follow from device name + entity name: the in-process test
    # test_names::test_two_pbxs_on_one_host_are_named_not_addressed checks them.


async def _dashboard_two_pbxs(page: Page, stack: Stack) -> None:
    """With two PBXs the dashboard groups by PBX, each block under the PBX's name."""
    await page.goto(f"{stack.ha_url}/lovelace/switchboard")
    # The switchboard: a heading per PBX above its phones.
    for name in ("Synway IPPBX", "Synway IPPBX 2"):
        await expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    # The Phone system card: a block per PBX, named once, its figures under plain labels.
    await expect(page.get_by_text("Synway IPPBX 2", exact=True).first).to_be_visible()
    await expect(page.get_by_text(re.compile(r"^Phones:"))).to_have_count(2)
    await expect(
        page.get_by_text(re.compile("Synway IPPBX 2 Calls today"))
    ).to_have_count(0)
    await _shot(page, "dashboard_two_pbxs")


def _log_tail(stack: Stack) -> str:
    """The end of Home Assistant's log."""
    log = stack.log_dir / "home-assistant.log"
    return log.read_text(errors="replace")[-5000:]


async def test_user_journey(stack: Stack, browser: Browser) -> None:
    """From the login page to a ringing phone on the dashboard."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": 860}, reduced_motion="reduce"
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = await context.new_page()
    steps = [_log_in, _add_integration, _integration_page, _dashboard]
    steps += [
        _dial_and_watch,
        _recent_calls,
        _device_page,
        _activity,
        _blueprints,
        _device_trigger_editor,
        _options,
        _second_pbx,
        _dashboard_two_pbxs,
    ]
    step = steps[0]
    try:
        for step in steps:
            await step(page, stack)
    except Exception:
        # The step, the last screen and Home Assistant's log explain most failures.
        failure = stack.log_dir / "failure.png"
        await page.screenshot(path=str(failure))
        print(f"Failed in {step.__name__} at {page.url}; screen: {failure}")  # noqa: T201
        print(_log_tail(stack))  # noqa: T201 - shown by pytest on failure
        raise
    finally:
        await context.close()
