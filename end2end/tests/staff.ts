import { createHmac } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";

/**
 * The office's second factor in the e2e run, as its phone would keep it: the secret read from
 * the enrolment page the first time the office signs in, and the last 30-second step used
 * (the server takes each step's code once).
 */
const SECRET = "../target/e2e/db/office-totp.txt";
const LAST_STEP = "../target/e2e/db/office-totp-step.txt";

function base32(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/\s/g, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The RFC 6238 code (HMAC-SHA1, 6 digits) of `secret` for 30-second step `step`. */
export function totpCode(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}

const stepNow = () => Math.floor(Date.now() / 1000 / 30);

/** A step whose code the server still takes: later than the last used, within one of now. */
async function freshStep(): Promise<number> {
  const last = existsSync(LAST_STEP) ? Number(readFileSync(LAST_STEP, "utf8")) : 0;
  // Three steps are open at any moment (one before, now, one after). The one before stops
  // being taken when this step ends: not in its last 5 seconds.
  const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30);
  let step = Math.max(stepNow() - (secondsLeft > 5 ? 1 : 0), last + 1);
  if (step > stepNow() + 1) {
    // Past those, wait for the next step (up to 30 s more for this test).
    test.info().setTimeout(test.info().timeout + 35_000);
    while (step > stepNow() + 1) await new Promise((r) => setTimeout(r, 1000));
  }
  writeFileSync(LAST_STEP, String(step));
  return step;
}

/** What the QR code on the page says, read from a screenshot of it as a phone's camera would. */
export async function readQr(page: Page, selector: string): Promise<string> {
  const png = PNG.sync.read(await page.locator(selector).screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!found) throw new Error(`no QR code readable in ${selector}`);
  return found.data;
}

/** Where the office's session of each project is kept between tests. */
const sessionFile = () => `../target/e2e/db/office-session-${test.info().project.name}.json`;

/**
 * Signs `page` in as the office, to `next`: the password, then the one-time code — or, the
 * first time, the set-up of the second factor the office account must have (its QR page's
 * secret is kept for the next sign-ins). Unless `fresh`, a session of an earlier test that is
 * still live is taken up instead, as a browser keeps its cookie: each step's code is taken
 * once, so every sign-in past three in 30 seconds would wait for the next step.
 */
export async function signInOffice(page: Page, next: string, fresh = false): Promise<void> {
  if (!fresh && existsSync(sessionFile())) {
    await page.context().addCookies(JSON.parse(readFileSync(sessionFile(), "utf8")));
    await page.goto(next);
    if (new URL(page.url()).pathname !== "/login") return;
  }
  await page.goto(`/login?next=${next}`);
  await page.locator("#login").fill("office");
  await page.locator("#password").fill("e2e-office-secret");
  await page.getByRole("button", { name: "登录" }).click();
  if (new URL(page.url()).pathname === "/account/totp") {
    // The authenticator app scans the QR code: an otpauth link with the secret, which is also
    // shown for typing by hand.
    await page.screenshot({ path: "../target/e2e/shots/totp-enrol.png", fullPage: true });
    const link = new URL(await readQr(page, ".totp-qr svg"));
    expect(decodeURIComponent(link.href)).toMatch(/^otpauth:\/\/totp\/测评:office\?/);
    const text = (await page.locator(".totp-secret").textContent())!;
    expect(link.searchParams.get("secret")).toBe(text.replace(/\s/g, ""));
    writeFileSync(SECRET, link.searchParams.get("secret")!);
    await page.locator("#enrol-password").fill("e2e-office-secret");
    await page.locator("#code").fill(totpCode(base32(link.searchParams.get("secret")!), await freshStep()));
    await page.getByRole("button", { name: "确认开启" }).click();
    await expect(page.locator("ul.recovery-codes li")).toHaveCount(10);
    await page.screenshot({ path: "../target/e2e/shots/totp-recovery-codes.png", fullPage: true });
    await page.goto(next);
    await keepSession(page);
    return;
  }
  await expect(page.locator("h1")).toHaveText("两步验证");
  await page.screenshot({ path: "../target/e2e/shots/totp-code.png", fullPage: true });
  const secret = base32(readFileSync(SECRET, "utf8"));
  await page.locator("#code").fill(totpCode(secret, await freshStep()));
  await page.getByRole("button", { name: "验证并登录" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await keepSession(page);
}

async function keepSession(page: Page): Promise<void> {
  const cookies = (await page.context().cookies()).filter((c) => c.name === "ceping_session");
  writeFileSync(sessionFile(), JSON.stringify(cookies));
}
