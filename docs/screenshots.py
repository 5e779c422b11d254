"""Screenshots of each view for the README: the home page with its answer, a timeline, a chart, a graph, a map, a
resource page, the 404 and the home page at phone width, taken in Debian's Chromium (Playwright) on a server over
a fresh build.

    python docs/screenshots.py            # builds into a temporary directory, serves it on 127.0.0.1, writes PNGs
    python docs/screenshots.py --data build   # an existing build

Every request off the loopback server is refused, as in the browser tests. The PNGs go to docs/screenshots/; each is
one 1280x800 viewport (390x844 for the phone), not the full page, so each file stays small.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

OUT = Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _answered(page) -> None:
    page.wait_for_function("() => document.body.dataset.resultsReady", timeout=20000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def take(url: str, out: Path = OUT) -> list[Path]:
    """Write the screenshots of the server at ``url``; returns the files written."""
    from minusma_kg.kg.queries import load_saved_queries
    from playwright.sync_api import sync_playwright

    _opener, *others = load_saved_queries()  # the home page shows the first; the timeline shot shows another
    first = {view: next(q for q in others if q.view == view) for view in ("timeline", "chart", "graph", "map")}
    shots = [  # name, viewport, path, ready, scroll to
        ("home", DESKTOP, "/", _answered, None),
        *((view, DESKTOP, f"/?question={q.name}", _answered, ".yasr") for view, q in first.items()),
        ("resource", DESKTOP, "/resource/coup-2020", None, None),
        ("not-found", DESKTOP, "/resource/abdoulaye-dio", None, None),
        ("phone", PHONE, "/", _answered, None),
    ]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, viewport, path, ready, scroll_to in shots:
            context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
            page.goto(url + path)
            if ready:
                ready(page)
            if scroll_to:
                page.locator(scroll_to).first.scroll_into_view_if_needed()
                page.evaluate(f"() => document.querySelector('{scroll_to}').scrollIntoView({{block: 'start'}})")
                page.wait_for_timeout(300)
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            written.append(target)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="an existing build directory (default: build one afresh)")
    args = parser.parse_args(argv)
    from minusma_kg.kg.build import build
    from minusma_kg.server.app import create_app
    from minusma_kg.server.config import Config
    from waitress import create_server

    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            result = build(Path(tmp) / "build")
            if not result.ok:
                raise SystemExit("\n".join(result.errors))
            data = result.out
        app = create_app(Config(data=data, timeout=10.0, workers=1))
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            for path in take(f"http://127.0.0.1:{server.effective_port}"):
                print(f"{path} ({path.stat().st_size // 1024} KB)")
        finally:
            server.close()
            app.extensions["minusma-kg"].engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
