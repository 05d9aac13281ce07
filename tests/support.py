"""What the tests share besides fixtures: the repository's paths, the fixture graphs, fixture projects.

Test modules import these from ``support`` (``tests/`` is on ``sys.path``, see ``pyproject.toml``);
the fixtures built on them are in ``tests/conftest.py``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import Graph

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
BUILD_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "build"
ANALYSIS_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analysis" / "small.ttl"


def analysis_graph():
    """A new graph of the ontology and the analysis fixture (callers may change it)."""
    g = Graph()
    g.parse(REPO_ROOT / "ontology.ttl")
    g.parse(ANALYSIS_FIXTURE)
    return g


def copy_project(dest: Path, *overlays: str, fixtures: Path = BUILD_FIXTURES) -> Path:
    """Copy ``fixtures/minimal`` and then each overlay folder onto *dest*, with the ontology and rules."""
    dest = Path(dest)
    shutil.copytree(fixtures / "minimal", dest, dirs_exist_ok=True)
    for name in overlays:
        shutil.copytree(fixtures / name, dest, dirs_exist_ok=True)
    shutil.copy2(REPO_ROOT / "ontology.ttl", dest / "ontology.ttl")
    shutil.copytree(REPO_ROOT / "rules", dest / "rules", dirs_exist_ok=True)
    return dest


#: Debian's headless browser and its driver, for the tests that open a page in a real browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_CHROMIUM = Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()
NO_CHROMIUM = ("headless browser tests need Debian's chromium and chromium-driver: "
               "apt-get install -y chromium chromium-driver fonts-noto-cjk")
#: flags of every test browser: headless, and none of Chromium's own connections (the network is closed)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium_driver(profile: Path, *flags: str, page_load_timeout: int = 60):
    """A headless Chromium (selenium) with a fresh profile in *profile*, logging the console and the network
    (``goog:loggingPrefs``); *flags* are added to :data:`CHROMIUM_FLAGS`. The caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, *flags, f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(page_load_timeout)
    return driver
