// A teller counts on their page in Debian's Chromium: opens their link, loads their key file,
// presses the count button, confirms what the page summed, and waits until the page says their
// shares are posted. Prints the times (the download and the sum; then the sum again, the shares
// and the post) and what the page said. Measures, does not assert. Used by
// scripts/bench-teller.sh.
//
// Usage: node end2end/bench/teller.mjs URL_WITH_TOKEN KEY_FILE BALLOTS
import { chromium } from "@playwright/test";

const [url, keyFile, ballots] = process.argv.slice(2);
if (!url || !keyFile) {
  console.error("usage: node end2end/bench/teller.mjs URL_WITH_TOKEN KEY_FILE BALLOTS");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const opened = Date.now();
await page.goto(url);
await page.locator("#teller-load").waitFor({ state: "attached" });
await page.locator("#file-state").filter({ hasText: "请载入" }).waitFor();
const ready = Date.now() - opened;
await page.locator("#teller-load").setInputFiles(keyFile);
const go = page.getByRole("button", { name: "用我的密钥开启计票" });
await go.waitFor();
const clicked = Date.now();
await go.click();
// The page sums first and shows what it summed; the teller compares and confirms.
const confirm = page.getByRole("button", { name: "核对一致，提交我的计票份额" });
const refused = page.locator("#teller-error:not([hidden])");
// A refusal on the page ends the run with what it said.
async function or_refused(waiting) {
  const which = await Promise.race([
    waiting.then(() => "ok"),
    refused.waitFor({ timeout: 600_000 }).then(() => "refused"),
  ]);
  if (which === "refused") {
    console.log(`the page refused: ${(await refused.textContent()).trim()}`);
    await browser.close();
    process.exit(1);
  }
}
await or_refused(confirm.waitFor({ timeout: 600_000 }));
const summed = Date.now() - clicked;
const confirmed = Date.now();
await confirm.click();
await or_refused(
  page.locator("#teller-status").filter({ hasText: "计票份额已提交" }).waitFor({ timeout: 600_000 }),
);
const shares = Date.now() - confirmed;
const total = summed + shares;
const download = await page.evaluate(() => {
  const e = performance.getEntriesByType("resource").find((r) => r.name.endsWith("/ballots"));
  return e ? { ms: Math.round(e.duration), bytes: e.decodedBodySize } : null;
});
const said = (await page.locator("#teller-status").textContent()).trim();
console.log(`page ready (WASM loaded, board read) ${ready} ms after opening`);
console.log(
  `count on the page for ${ballots} ballots: ${total} ms (the teller's reading time left out): ` +
    `download and sum ${summed} ms` +
    (download ? ` (of which the download of ${download.bytes} bytes ${download.ms} ms)` : "") +
    `, then the sum again, the shares and the post ${shares} ms`,
);
console.log(`the page said: ${said}`);
console.log(`@ teller_count_ms ${ballots} ${total}`);
await browser.close();
