"""The web page in a real headless Chromium (Debian's ``chromium`` + ``chromium-driver``, driven by Selenium).

A uvicorn server runs in a thread on a free loopback port with the session's
Critic; the page is driven as a person would: paste a draft, pick the
relationship, press Critique. What it shows is checked against the library's
own critique of the same draft. Screenshots are saved under
``tests/browser/artifacts/`` (git-ignored) as test artefacts.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from helpers import DATA

CHROMIUM = os.environ.get("REFERNLP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("REFERNLP_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DEMANDING = (DATA / "examples" / "targeted_demanding.txt").read_text(encoding="utf-8")

if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
    pytest.skip(f"no Chromium here ({CHROMIUM}, {CHROMEDRIVER}): `apt-get install chromium chromium-driver` to run the page tests",
                allow_module_level=True)
pytest.importorskip("selenium", reason="selenium is not installed (it is in the test extra)")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

import uvicorn
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from refernlp.serve.app import create_app
from refernlp.serve.server import bind, url_of


def _start(app):
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return server, thread, url_of(sock)


@pytest.fixture(scope="module")
def live(critic):
    server, thread, url = _start(create_app(critic, workers=2))
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1400",
                "--no-first-run", "--disable-extensions", "--disable-background-networking", "--force-device-scale-factor=1"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except WebDriverException as exc:  # installed but cannot start (no display libraries...): say why
        pytest.skip(f"Chromium is installed but did not start: {str(exc).splitlines()[0]}")
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def _critique_on_page(driver, url: str, text: str, relationship: str = "") -> WebDriverWait:
    driver.get(url)
    box = driver.find_element(By.ID, "draft")
    box.clear()
    # paste: put the draft in the textarea the way a paste does (one input event), then press Critique
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", box, text)
    if relationship:
        Select(driver.find_element(By.ID, "relationship")).select_by_value(relationship)
    driver.find_element(By.ID, "critique").click()
    wait = WebDriverWait(driver, 60)
    wait.until(EC.visibility_of_element_located((By.ID, "results")))
    wait.until(lambda d: d.find_element(By.ID, "status").text.startswith("Done"))
    return wait


def test_paste_press_critique_and_see_the_flagged_spans_findings_and_rewrites(browser, live, critic):
    _critique_on_page(browser, live, DEMANDING, "strong")
    expected = critic.critique(DEMANDING, relationship="strong")
    rewrites = critic.rewrite(DEMANDING, relationship="strong")
    browser.save_screenshot(str(ARTIFACTS / "page.png"))

    # the findings list: one item per finding, in the library's order
    items = browser.find_elements(By.CSS_SELECTOR, "#findings li.finding")
    assert [li.get_attribute("data-id") for li in items] == [f.id for f in expected.findings]
    assert expected.findings and all(f.message in li.text for f, li in zip(expected.findings, items))

    # the highlighted spans: every marked piece is inside a span the library flagged, and every flagged span is marked
    spans = [(f.start, f.end, f.id) for f in expected.findings if f.start is not None and f.end is not None and f.end > f.start]
    assert spans, "the demanding draft should have findings with spans"
    marks = browser.find_elements(By.CSS_SELECTOR, "#marked mark.flag")
    assert marks
    marked_text = browser.execute_script(
        "return Array.from(document.querySelectorAll('#marked mark.flag')).map(m => m.firstChild.textContent)")
    for piece in marked_text:
        assert any(piece in DEMANDING[a:b] for a, b, _ in spans), piece
    marked_ids = {i for m in marks for i in m.get_attribute("data-ids").split()}
    assert marked_ids == {i for _, _, i in spans}
    # the draft shown is the draft given, character for character
    assert browser.execute_script("return document.getElementById('marked').innerText.length") >= len(DEMANDING.strip()) // 2
    shown = browser.execute_script(
        "const c = document.getElementById('marked').cloneNode(true); c.querySelectorAll('.tip').forEach(t => t.remove()); return c.textContent")
    assert shown == DEMANDING

    verdict = expected.to_dict().get("verdict")
    if verdict:  # shown where this build's critique has one
        box = browser.find_element(By.ID, "verdict")
        assert box.is_displayed() and str(verdict.get("summary", "")).lower() in box.text.lower()
    # labels with plain explanations
    labels = browser.find_element(By.ID, "labels").text
    assert expected.request_type.label in labels and "as you said" in labels

    # rewrites: one card each with a Copy button; edits shown as a diff where the rewrite has them
    cards = browser.find_elements(By.CSS_SELECTOR, "#rewrites article.rewrite")
    assert len(cards) == len(rewrites)
    for card, rw in zip(cards, rewrites):
        assert card.find_element(By.CSS_SELECTOR, "button.copy").text == "Copy"
        if getattr(rw, "edits", ()):
            assert card.find_elements(By.CSS_SELECTOR, ".diff ins, .diff del")
    assert browser.find_element(By.ID, "status").text.startswith("Done")
    assert not browser.find_element(By.ID, "token-field").is_displayed()  # no token on this server


def test_hover_and_keyboard_focus_show_the_finding(browser, live, critic):
    _critique_on_page(browser, live, DEMANDING)
    mark = browser.find_element(By.CSS_SELECTOR, "#marked mark.flag")
    tip = mark.find_element(By.CSS_SELECTOR, ".tip")
    assert not tip.is_displayed()
    browser.execute_script("arguments[0].focus()", mark)
    assert tip.is_displayed()
    ids = mark.get_attribute("data-ids").split()
    findings = critic.critique(DEMANDING).findings
    assert ids and all(any(f.id == i and f.message in tip.text for f in findings) for i in ids)
    browser.save_screenshot(str(ARTIFACTS / "focus.png"))
    # Tab moves from one flagged span to the next
    mark.send_keys(Keys.TAB)
    nxt = browser.switch_to.active_element
    if len(browser.find_elements(By.CSS_SELECTOR, "#marked mark.flag")) > 1:
        assert nxt.tag_name == "mark" and nxt.find_element(By.CSS_SELECTOR, ".tip").is_displayed()


def test_the_keyboard_alone_can_critique(browser, live):
    browser.get(live)
    box = browser.find_element(By.ID, "draft")
    box.click()
    box.send_keys("Hi Sam, refer me for the analyst role at Acme ASAP.")
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "status").text.startswith("Done"))
    assert browser.find_elements(By.CSS_SELECTOR, "#findings li.finding")
    # every control has a label
    unlabelled = browser.execute_script(
        "return Array.from(document.querySelectorAll('textarea, select, input')).filter(e => !(e.labels && e.labels.length)).map(e => e.id)")
    assert unlabelled == []


def test_errors_are_shown_in_words(browser, live):
    browser.get(live)
    browser.find_element(By.ID, "critique").click()
    assert browser.find_element(By.ID, "status").text == "Paste a draft first."
    browser.execute_script("document.getElementById('draft').value = 'a'")
    browser.find_element(By.ID, "critique").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "status").text.startswith("Could not check"))
    assert "too short" in browser.find_element(By.ID, "status").text


def test_phone_width_has_no_sideways_scrolling_and_dark_mode_is_followed(browser, live):
    try:
        browser.set_window_size(390, 900)
        _critique_on_page(browser, live, DEMANDING)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1
        browser.save_screenshot(str(ARTIFACTS / "phone.png"))
        light = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        dark = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert light != dark
        rgb = [int(x) for x in dark[dark.index("(") + 1 : dark.index(")")].split(",")[:3]]
        assert sum(rgb) < 150, dark
        browser.save_screenshot(str(ARTIFACTS / "phone-dark.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        browser.set_window_size(1100, 1400)


def test_the_page_loads_nothing_from_elsewhere_and_logs_no_errors(browser, live):
    browser.get_log("browser")  # drop what earlier tests logged (their deliberate 422s)
    _critique_on_page(browser, live, DEMANDING)
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(r.startswith(live) for r in resources), resources
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert errors == []


def test_a_token_server_asks_for_the_token(browser, critic):
    server, thread, url = _start(create_app(critic, token="page-token-123", workers=1))
    try:
        browser.get(url)
        browser.execute_script("document.getElementById('draft').value = arguments[0]", DEMANDING)
        browser.find_element(By.ID, "critique").click()
        WebDriverWait(browser, 30).until(EC.visibility_of_element_located((By.ID, "token")))
        assert "Authorization" in browser.find_element(By.ID, "status").text
        browser.find_element(By.ID, "token").send_keys("page-token-123")
        browser.find_element(By.ID, "critique").click()
        WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "status").text.startswith("Done"))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
