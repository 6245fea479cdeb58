"""Search, as readers use it: typed into Material's real search box in Chromium.

An entity's own page comes first for its name, each of its aliases and its distinctive goods;
list-heavy pages (map, timeline, network, supply chains, tags, countries, sanctions) never
outrank the entity pages they list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ARGS, CHROMIUM, ROOT, serve_folder

from build_scripts import schema as s
from build_scripts.cards.validate import validate_dir
from build_scripts.model import entities as model

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def search_page(seed_site: Path) -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed; run `make test` or `sudo apt-get install chromium`")
    from playwright.sync_api import sync_playwright
    server, url = serve_folder(seed_site)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(url, wait_until="networkidle")
        page.click("label.md-search__icon, .md-search__input")
        yield page
        browser.close()
    server.shutdown()


def first_result(page: Any, query: str) -> str:
    """The path of the first result Material's search box shows for the query."""
    return results(page, query)[0]


def results(page: Any, query: str) -> list[str]:
    """The paths of the pages Material's search box lists for the query, best first, each once."""
    box = page.locator("input.md-search__input")
    box.fill("")
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')", timeout=5000)
    box.type(query[:-1])
    box.press(query[-1])  # typed key by key, as a reader does; results follow each key
    page.wait_for_selector(".md-search-result__item a.md-search-result__link", timeout=10000)
    listed = ("() => [...document.querySelectorAll('.md-search-result__item > a.md-search-result__link')]"
              ".map(a => a.href)")
    hrefs: list[str] = []
    previous = None
    while hrefs != previous:  # wait until the results for the whole query have settled
        previous = hrefs
        page.wait_for_timeout(120)
        hrefs = page.evaluate(listed)
    pages = [("/" + href.split("/", 3)[3]).split("#")[0].split("?")[0] for href in hrefs]
    return list(dict.fromkeys(pages))  # a page's sections are listed under it


SEED = model.build(validate_dir(ROOT / "entities").cards)
QUERIES = sorted({(e.name, e.id) for e in SEED.entities.values()}
                 | {(a.name, e.id) for e in SEED.entities.values() for a in e.aliases})


def test_a_legal_name_finds_the_company_not_its_city(search_page: Any) -> None:
    assert first_result(search_page, "Changsha Tianyi") == "/entities/spacety-china/"


def test_goods_find_the_entity_that_supplied_them_not_the_map(search_page: Any) -> None:
    # The supplier first; then the manager whose own summary denies making such antennas (the
    # fact-checked seed); the map and the other list pages after both.
    found = results(search_page, "telescoping antenna")
    assert found[:2] == ["/entities/fujian-nanan-baofeng/", "/entities/wang-shaofeng/"], found


def distinctive_goods() -> list[tuple[str, str]]:
    """(goods, supplier) for goods that one entity supplied and whose words no other's goods all hold."""
    words = lambda text: set(re.findall(r"\w+", text.lower()))  # noqa: E731
    supplied = [(r.goods, e.id) for e in SEED.entities.values() for r in e.relations
                if r.goods and s.RELATION_TYPES[r.type].moves]
    return sorted((goods, who) for goods, who in supplied
                  if not any(words(goods) <= words(other) for other, by in supplied if by != who))


def test_the_seed_has_distinctive_goods_to_search_for() -> None:
    assert len(distinctive_goods()) >= 8, distinctive_goods()


@pytest.mark.parametrize(("goods", "entity_id"), distinctive_goods())
def test_distinctive_goods_find_their_supplier_first(search_page: Any, goods: str, entity_id: str) -> None:
    found = results(search_page, goods)
    assert found[0] == f"/entities/{entity_id}/", found


@pytest.mark.parametrize(("query", "entity_id"), QUERIES)
def test_every_name_and_alias_finds_its_own_page_first(search_page: Any, query: str, entity_id: str) -> None:
    assert first_result(search_page, query) == f"/entities/{entity_id}/"
