"""``pipeline serve`` in a real browser (Debian's Chromium, driven by Playwright): a partner
opens their link, uploads a thin plan, reads the Fix list, downloads the marked-up copy,
fixes the plan and uploads it again to see it accepted; the team signs in and sees the round
change; the upload works with JavaScript off; and every page passes axe-core's WCAG 2.2 AA
checks. Each page is saved as a picture in the test's folder (and in the folder
``SERVE_SCREENSHOTS`` names, to look at)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import p44_return, write_registers
from serving import CHROMIUM, CHROMIUM_ARGS, TEAM_PASSWORD, Running, links_of, project_folder

pytestmark = pytest.mark.slow

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is not installed at {CHROMIUM}; .ci/run installs Debian's chromium",
                allow_module_level=True)  # fmt: skip
sync_api = pytest.importorskip("playwright.sync_api")
axe_runner = pytest.importorskip("axe_playwright_python.sync_playwright")

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                              "wcag22aa"]}}  # fmt: skip


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The service running on a project of three partnerships and two business units."""
    root = tmp_path_factory.mktemp("browser")
    registers = write_registers(root / "registers")
    project_folder(root, {name: path.relative_to(root) for name, path in registers.items()})
    with Running(root) as running:
        yield running, links_of(root), root


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def accessible(page) -> None:
    """axe-core finds no WCAG 2.2 AA failure on the page."""
    found = axe_runner.Axe().run(page, options=WCAG)
    failures = [(v["id"], v["help"], [n["html"][:80] for n in v["nodes"]])
                for v in found.response["violations"]]  # fmt: skip
    assert failures == [], failures


def picture(page, folder: Path, name: str) -> Path:
    """The whole page as a PNG, kept with the test (and where SERVE_SCREENSHOTS says)."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("SERVE_SCREENSHOTS"):
        target = Path(os.environ["SERVE_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.name)
    return path


def test_a_partner_fixes_a_thin_plan_with_the_fix_list_and_sees_it_accepted(
    service, browser, tmp_path
):
    running, links, _ = service
    page = browser.new_page(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page.goto(running.base + links["Leeds"])
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Send your Priority 44 Partnership Action Plan return"
    )
    assert "fortnight 16/11/2026 to 29/11/2026" in page.inner_text("main")
    accessible(page)
    picture(page, tmp_path, "partner-before-upload")

    thin = p44_return(tmp_path / "files", "Leeds", definition_of_problem=None, risks=None,
                      name="Leeds action plan.xlsx")  # fmt: skip
    page.set_input_files("input[type=file]", str(thin))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("#result")
    said = page.inner_text("main")
    assert "Your return is accepted, with things to fix or check" in said
    fix_list = page.locator("table.app-fix-list")
    assert "Action Plan!H4" in fix_list.inner_text() and "Action Plan!H11" in fix_list.inner_text()
    assert "Fill it in." in fix_list.inner_text()
    accessible(page)
    picture(page, tmp_path, "partner-after-upload")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download your file with each thing")).click()
    copy = tmp_path / "copy.xlsx"
    download.value.save_as(copy)
    book = openpyxl.load_workbook(copy)
    assert book.sheetnames[0] == "Fix list"
    assert book["Action Plan"]["H4"].comment is not None  # the cell to fill, marked

    fixed = p44_return(tmp_path / "fixed", "Leeds", name="Leeds action plan.xlsx")
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("#result")
    assert "Your return is accepted" in page.inner_text("#result")
    assert "Return accepted" in page.inner_text("#result")
    picture(page, tmp_path, "partner-accepted")
    page.close()


def test_the_upload_works_without_javascript(service, browser, tmp_path):
    running, links, _ = service
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(running.base + links["Salford"])
    page.set_input_files("input[type=file]", str(p44_return(tmp_path, "Salford", name="s.xlsx")))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("#result")
    assert "Your return is accepted" in page.inner_text("#result")
    context.close()


def test_the_team_signs_in_and_sees_the_round_change(service, browser, tmp_path):
    running, links, _ = service
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(running.base + "/team")
    accessible(page)
    page.fill("#password", TEAM_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#received-p44")
    before = int(page.inner_text("#received-p44"))
    accessible(page)

    partner = browser.new_page()
    partner.goto(running.base + links["Bradford"])
    bradford = p44_return(tmp_path, "Bradford", name="b.xlsx")
    partner.set_input_files("input[type=file]", str(bradford))
    partner.get_by_role("button", name="Upload and check").click()
    partner.wait_for_selector("#result")

    page.reload()
    assert int(page.inner_text("#received-p44")) == before + 1
    assert "Bradford" in page.inner_text("main")
    picture(page, tmp_path, "dashboard")
    page.get_by_role("link", name="Bradford").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bradford"
    assert "uploaded" in page.inner_text("main")
    accessible(page)
    picture(page, tmp_path, "organisation")
    partner.close()
    page.close()


def test_a_wrong_link_is_a_plain_accessible_page(service, browser):
    running, _, _ = service
    page = browser.new_page()
    answer = page.goto(running.base + "/r/" + "x" * 24)
    assert answer.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    accessible(page)
    page.close()


def test_a_plan_dropped_on_the_page_is_uploaded(service, browser, tmp_path):
    import base64

    running, links, _ = service
    page = browser.new_page()
    page.goto(running.base + links["Salford"])
    plan = p44_return(tmp_path, "Salford", name="dropped.xlsx", telephone="0161 496 0101")
    dropped = page.evaluate_handle(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const moved = new DataTransfer();
            moved.items.add(new File([bytes], "dropped.xlsx"));
            return moved;
        }""",
        base64.b64encode(plan.read_bytes()).decode(),
    )
    for event in ("dragenter", "dragover", "drop"):  # as a file dragged from the desktop
        page.dispatch_event("button.govuk-file-upload-button", event, {"dataTransfer": dropped})
    assert "dropped.xlsx" in page.inner_text(".govuk-file-upload-button")
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("#result")
    assert "Your return is accepted" in page.inner_text("#result")
    page.close()
