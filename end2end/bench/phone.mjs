// A deputy's phone on the hall's congested Wi-Fi: opens a ballot link in Debian's Chromium at a
// phone viewport, with Chromium's network emulation (400 kbit/s each way, 400 ms latency) and an
// empty cache, with JavaScript on and off. Prints one JSON line per run:
// - bytes: what crossed the network, compressed, by kind (document, stylesheet, script, wasm…);
// - rateable_ms: from navigation start until the first rating button is painted on screen,
//   from the server-rendered HTML and CSS alone (the form posts without JavaScript): the later
//   of "the button is laid out" and the first contentful paint, which waits for the CSS;
// - tapped_ms: until a tap on it has checked the radio button;
// - hydrated_ms (JavaScript on): until the page's islands are awake (live count, draft);
// - load_ms: until the load event (every resource fetched).
// Measures, does not assert. Used by scripts/bench-phone.sh.
//
// Usage: node end2end/bench/phone.mjs URL [runs=3]
import { chromium } from "@playwright/test";

const url = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
if (!url) {
  console.error("usage: node end2end/bench/phone.mjs URL [runs]");
  process.exit(2);
}

const KBIT = 400;
const LATENCY_MS = 400;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

async function visit(javaScript) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: javaScript,
    locale: "zh-CN",
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: LATENCY_MS,
    downloadThroughput: (KBIT * 1000) / 8,
    uploadThroughput: (KBIT * 1000) / 8,
  });
  const kinds = new Map();
  const bytes = {};
  cdp.on("Network.responseReceived", (e) => {
    const u = e.response.url;
    const kind = u.endsWith(".wasm") ? "wasm" : e.type.toLowerCase();
    kinds.set(e.requestId, kind);
  });
  cdp.on("Network.loadingFinished", (e) => {
    const kind = kinds.get(e.requestId) ?? "other";
    bytes[kind] = (bytes[kind] ?? 0) + e.encodedDataLength;
  });

  const start = Date.now();
  await page.goto(url, { waitUntil: "commit" });
  const first = page.locator("label.level").first();
  await first.waitFor({ state: "visible" });
  const laidOut = Date.now() - start;
  // Paint waits for the stylesheet; until then nothing is on screen.
  let fcp = null;
  while (fcp === null && Date.now() - start < 60_000) {
    fcp = await page.evaluate(() => {
      const e = performance.getEntriesByName("first-contentful-paint")[0];
      return e ? e.startTime : null;
    });
    if (fcp === null) await new Promise((r) => setTimeout(r, 20));
  }
  const rateable = Math.round(Math.max(laidOut, fcp ?? Infinity));
  await first.tap();
  const radio = first.locator("input");
  await page.waitForFunction((el) => el.checked, await radio.elementHandle());
  const tapped = Date.now() - start;
  let hydrated = null;
  if (javaScript) {
    await page.waitForSelector("html[data-hydrated]", { timeout: 60_000 });
    hydrated = Date.now() - start;
  }
  await page.waitForLoadState("load");
  const load = Date.now() - start;
  // Give late responses a moment to report their sizes.
  await page.waitForTimeout(200);
  await context.close();
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  return {
    javascript: javaScript,
    network: `${KBIT} kbit/s, ${LATENCY_MS} ms`,
    rateable_ms: rateable,
    tapped_ms: tapped,
    hydrated_ms: hydrated,
    load_ms: load,
    bytes: { ...bytes, total },
  };
}

for (const javaScript of [true, false]) {
  for (let i = 0; i < runs; i++) {
    console.log(JSON.stringify(await visit(javaScript)));
  }
}
await browser.close();
