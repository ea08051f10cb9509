import { readFileSync } from "node:fs";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { ceping } from "./cli";
import { signInOffice } from "./staff";

const SHOTS = "../target/e2e/shots";

/** A teller's browser: a context of its own (its own storage), at the phone's size. */
async function browserOf(browser: Browser, baseURL: string, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    javaScriptEnabled,
    acceptDownloads: true,
  });
  return context.newPage();
}

/** Clicks `name` and saves the download it starts to `path`. */
async function download(page: Page, name: string, path: string) {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name }).click(),
  ]);
  await file.saveAs(path);
}

/** A deputy votes on `page`: one item rated, then submitted. */
async function vote(page: Page, code: string) {
  await page.goto(`/v/${code}`);
  await page.locator("fieldset.item").first().locator("label.level").nth(1).click();
  await page.getByRole("button", { name: "检查并提交" }).click();
  await page.getByRole("button", { name: "确认提交" }).first().click();
  await expect(page.locator("h1")).toHaveText("测评已提交");
}

test("without JavaScript the teller's page says why it needs it and gives the command", async ({ page }, info) => {
  test.skip(info.project.name !== "phone-nojs", "the page without JavaScript");
  const id = ceping("round", "create", "--name", "监票人页面（无脚本）").match(/created round (\d+)/)![1];
  const status = ceping("tellers", "set", "--round", id, "--names", "甲,乙,丙");
  const link = status.match(/page: (\/teller\/\S+)/)![1];
  const res = await page.goto(link);
  expect(res?.status()).toBe(200);
  await expect(page.locator("h1")).toHaveText("第1位监票人：甲");
  await expect(page.locator("main")).toContainText("本页需要启用 JavaScript");
  await expect(page.locator("main")).toContainText(`ceping tellers keygen --round ${id} --teller 1`);
});

test("three tellers make their keys in three browsers, deputies vote, two tellers count", async ({ browser }, info) => {
  test.skip(info.project.name !== "phone-js", "the tellers' pages run WebAssembly");
  test.setTimeout(300_000);
  const baseURL = info.project.use.baseURL!;
  const id = ceping("round", "create", "--name", "监票人测评").match(/created round (\d+)/)![1];
  // The office names the tellers on the round's desk and reads each one's link there.
  const office = await browserOf(browser, baseURL);
  await signInOffice(office, `/desk/rounds/${id}`);
  await office.locator("#teller-names").fill("张监票,李监票,王监票");
  // A checking period of two minutes after closing (room for the steps within it on a slow
  // machine): no share before it ends.
  await office.locator("#teller-check").fill("2");
  await office.getByRole("button", { name: "指定监票人" }).click();
  await expect(office.locator(".tellers")).toContainText("核对期：闭票后 2 分钟内不能开启计票");
  await expect(office.locator(".alert-review")).toContainText("监票人已指定");
  const links = await office.locator("a.teller-link").evaluateAll((as) =>
    as.map((a) => new URL((a as HTMLAnchorElement).href).pathname + new URL((a as HTMLAnchorElement).href).hash));
  expect(links).toHaveLength(3);
  expect(links[0]).toMatch(new RegExp(`^/teller/${id}/1#[0-9A-Z]{20}$`));
  await office.screenshot({ path: `${SHOTS}/teller-desk.png`, fullPage: true });
  const dir = "../target/e2e/db";

  // Each teller opens their own link in their own browser and makes their key there.
  const tellers: Page[] = [];
  for (const [i, link] of links.entries()) {
    const page = await browserOf(browser, baseURL);
    await page.goto(link);
    await expect(page.locator("h1")).toContainText(`第${i + 1}位监票人`);
    // The token is taken off the address bar.
    await expect(page).toHaveURL(new RegExp(`/teller/${id}/${i + 1}$`));
    await page.getByRole("button", { name: "在本机生成我的密钥" }).click();
    await expect(page.locator("#teller-status")).toContainText("请先下载密钥文件");
    await download(page, "下载密钥文件", `${dir}/browser-teller-${id}-${i + 1}-first.json`);
    tellers.push(page);
  }
  await tellers[0].screenshot({ path: `${SHOTS}/teller-keys.png`, fullPage: true });

  // Once all have published their part, every page shows the same fingerprint to compare.
  const prints: string[] = [];
  for (const page of tellers) {
    await expect(page.locator("#teller-fingerprint")).toBeVisible({ timeout: 30_000 });
    prints.push((await page.locator("#fingerprint").textContent())!.trim());
  }
  expect(prints[0]).toMatch(/\S{8,}/);
  expect(new Set(prints).size).toBe(1);
  await tellers[1].screenshot({ path: `${SHOTS}/teller-fingerprint.png`, fullPage: true });
  for (const page of tellers) {
    await page.getByRole("button", { name: "与其他监票人核对一致，继续" }).click();
  }
  // The ceremony finishes by itself; each teller saves the finished file.
  for (const [i, page] of tellers.entries()) {
    await expect(page.locator("#file-state")).toContainText("密钥已完成", { timeout: 30_000 });
    await download(page, "下载密钥文件", `${dir}/browser-teller-${id}-${i + 1}.json`);
    await expect(page.locator("#teller-status")).toContainText("已完成并已保存");
  }
  expect(ceping("tellers", "status", "--round", id)).toContain("joint key: ");

  // The round opens; deputies vote, with JavaScript and without.
  const out = `${dir}/codes-${id}.csv`;
  ceping("invite", "--round", id, "--count", "6", "--out", out);
  ceping("round", "open", id);
  // A code made now needs a reason, and is marked.
  expect(() => ceping("invite", "--round", id, "--count", "1", "--out", `${dir}/late-${id}.csv`)).toThrow();
  ceping("invite", "--round", id, "--count", "1", "--out", `${dir}/late-${id}.csv`, "--reason", "代表新增");
  const codes = readFileSync(out, "utf8").replace(/^\uFEFF/, "").trim().split("\n").slice(1)
    .map((line) => line.split(",")[0]);
  const withJs = await browserOf(browser, baseURL, true);
  const withoutJs = await browserOf(browser, baseURL, false);
  for (const [k, code] of codes.slice(0, 5).entries()) {
    await vote(k % 2 === 0 ? withJs : withoutJs, code);
  }
  ceping("round", "close", id);

  // The deputies' check page publishes the closed round's ballot list: its fingerprint is what
  // each teller's page must show for the ballots it sums.
  const track = await browserOf(browser, baseURL);
  await track.goto(`/track/${id}`);
  await expect(track.locator(".ballot-list")).toContainText("本轮共保存 5 张密封选票");
  const list = (await track.locator(".list-fingerprint").textContent())!.trim();
  expect(list).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){7}$/);
  // The checking period: the deputies' page says until when; the teller's page says so too,
  // and lets the teller sum and compare meanwhile, but not post a share.
  await expect(track.locator(".track-checking")).toContainText("核对期至");
  await track.screenshot({ path: `${SHOTS}/track-checking.png`, fullPage: true });
  await expect(tellers[0].locator("#count-state")).toContainText("核对期至", { timeout: 15_000 });

  // Teller 1 counts on the page still open: the page sums first and shows what it summed; the
  // shares go only once the teller has compared.
  await expect(tellers[0].locator("#teller-count-go")).toBeVisible({ timeout: 15_000 });
  await tellers[0].getByRole("button", { name: "用我的密钥开启计票" }).click();
  await expect(tellers[0].locator("#teller-check")).toBeVisible();
  await expect(tellers[0].locator("#check-ballots")).toHaveText("5");
  await expect(tellers[0].locator("#check-list")).toHaveText(list);
  await expect(tellers[0].locator("#check-wait")).toContainText("核对期至");
  await expect(tellers[0].getByRole("button", { name: "核对一致，提交我的计票份额" })).toBeDisabled();
  await tellers[0].screenshot({ path: `${SHOTS}/teller-checking.png`, fullPage: true });
  // Once the period is over (two minutes after closing), the page lets the share go.
  await expect(tellers[0].getByRole("button", { name: "核对一致，提交我的计票份额" })).toBeEnabled({ timeout: 150_000 });
  await expect(tellers[0].locator("#check-wait")).toBeHidden();
  await track.reload();
  await expect(track.locator(".track-checking")).toHaveCount(0);
  await tellers[0].screenshot({ path: `${SHOTS}/teller-check.png`, fullPage: true });
  await tellers[0].getByRole("button", { name: "核对一致，提交我的计票份额" }).click();
  await expect(tellers[0].locator("#teller-status")).toContainText("计票份额已提交（1/2）");
  const third = await browserOf(browser, baseURL);
  await third.goto(links[2]);
  await expect(third.locator("#file-state")).toContainText("请载入您的密钥文件");
  // Another teller's file is refused.
  await third.locator("#teller-load").setInputFiles(`${dir}/browser-teller-${id}-2.json`);
  await expect(third.locator("#teller-error")).toContainText("不是您的");
  await third.locator("#teller-load").setInputFiles(`${dir}/browser-teller-${id}-3.json`);
  await expect(third.locator("#teller-count-go")).toBeVisible();
  await third.getByRole("button", { name: "用我的密钥开启计票" }).click();
  await expect(third.locator("#check-list")).toHaveText(list);
  await third.getByRole("button", { name: "核对一致，提交我的计票份额" }).click();
  await expect(third.locator("#teller-status")).toContainText("计票已开启：5 张选票");
  await third.screenshot({ path: `${SHOTS}/teller-counted.png`, fullPage: true });

  // Anyone can check the count; the results are out.
  expect(ceping("round", "verify", id)).toContain("the count verifies");
  const screen = await browserOf(browser, baseURL);
  await screen.goto(`/screen/${id}`);
  await expect(screen.locator(".screen-wait")).toHaveCount(0);
});
