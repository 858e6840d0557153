"""The built demo site in Debian's Chromium: columns side by side or stacked, search, no console errors."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import time

import pytest

from site_helpers import DEMO, build_site

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = build_site(DEMO / "mkdocs.yml", tmp_path_factory.mktemp("browser-site"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def driver():
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield browser
    browser.quit()


def _columns(driver):
    return driver.find_elements("css selector", ".pd-columns > .pd-col")


def test_columns_side_by_side_at_1280_and_stacked_at_390(driver, served):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(1280, 900)
    driver.get(f"{served}/types/SubmitJobRequest/")
    WebDriverWait(driver, 10).until(lambda d: len(_columns(d)) == 2)  # the page is there before it is read
    left, right = _columns(driver)
    assert left.rect["y"] == right.rect["y"] and right.rect["x"] > left.rect["x"] + left.rect["width"] - 1
    driver.set_window_size(390, 844)
    time.sleep(0.3)
    left, right = _columns(driver)
    assert right.rect["y"] >= left.rect["y"] + left.rect["height"] - 1
    assert abs(left.rect["x"] - right.rect["x"]) < 2


def test_search_finds_a_field_name(driver, served):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(1280, 900)
    driver.get(f"{served}/")
    WebDriverWait(driver, 10).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "label.md-search__icon, .md-search__input"))
    )
    driver.execute_script("document.querySelector('.md-search__input').focus()")
    box = driver.find_element(By.CSS_SELECTOR, ".md-search__input")
    box.send_keys("max_runtime_ms")
    # Material renders the results again as the query grows: an item read while it is replaced is stale, so the
    # wait looks again instead of failing
    WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: any("SubmitJobRequest" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    )


def test_no_console_errors(driver, served):
    errors = []
    for page in ("", "types/SubmitJobRequest/", "checklist/", "api/orbit.types.SubmitJobRequest/"):
        driver.get(f"{served}/{page}")
        time.sleep(0.3)
        errors += [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_no_table_scrolls_sideways_on_a_phone(driver, served):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(390, 844)
    wide = {}
    for page in (
        "",
        "types/SubmitJobRequest/",
        "clients/JobsClient/",
        "unmatched/",
        "checklist/",
        "constants/",
        "modules/",
    ):
        driver.get(f"{served}/{page}")
        WebDriverWait(driver, 10).until(lambda d: d.find_elements("css selector", ".md-content h1"))
        # Material wraps each table in a scroll container: on a phone the cards must fit it
        widths = driver.execute_script(
            "return Array.from(document.querySelectorAll('.md-typeset__scrollwrap'))"
            ".map(e => [e.scrollWidth, e.clientWidth])"
        )
        if too_wide := [w for w in widths if w[0] > w[1] + 1]:
            wide[page] = too_wide
    assert wide == {}
