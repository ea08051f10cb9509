import { expect, type Page, test } from "@playwright/test";
import { codeFor } from "./codes";

const RECEIPT = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/;

/** Taps a level for items [from, to): 满意, 基本满意, 不满意 in turn. */
async function rate(page: Page, from: number, to: number) {
  const items = page.locator("fieldset.item");
  for (let i = from; i < to; i++) {
    await items.nth(i).locator("label.level").nth(i % 3).click();
  }
}

test("a deputy rates everything, confirms on a short review, and Back casts nothing", async ({ page }, info) => {
  const code = codeFor(0, info.project.name);
  const js = info.project.name === "phone-js";
  const res = await page.goto(`/v/${code}`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["cache-control"]).toBe("no-store");
  await expect(page.locator("h1")).toHaveText("满意度测评");
  const items = page.locator("fieldset.item");
  await expect(items).toHaveCount(44);
  if (js) {
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
    await expect(page.locator(".progress")).toContainText("已评 0/44");
  } else {
    await expect(page.locator(".progress")).toBeHidden();
  }
  await rate(page, 0, 44);
  if (js) {
    await expect(page.locator(".progress")).toContainText("已评 44/44");
  }
  await page.locator("#i-t1 details.comment summary").click();
  await page.locator("#i-t1 textarea").fill("进度符合方案安排。");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-ballot.png` });

  await page.getByRole("button", { name: "检查并提交" }).click();
  // The review is short: its confirm button is on the first screen, without scrolling.
  await expect(page.locator("h1")).toHaveText("核对后提交");
  await expect(page.locator("#review")).toContainText("已评 44/44 项");
  await expect(page.locator("#review")).toContainText("全部项目均已评价");
  await expect(page.locator("#review")).toContainText("填写了 1 条分项意见");
  await expect(page.locator("fieldset.item")).toHaveCount(0);
  const confirm = page.getByRole("button", { name: "确认提交" });
  await expect(confirm).toHaveCount(2);
  await expect(confirm.first()).toBeInViewport();
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-review.png` });

  await confirm.first().click();
  await expect(page).toHaveURL(new RegExp(`/v/[0-9A-Z]+/done$`));
  await expect(page.locator("h1")).toHaveText("测评已提交");
  await expect(page.locator(".confirm")).toContainText("共评价 44/44 项");
  const receipt = (await page.locator(".receipt-code").textContent())?.trim() ?? "";
  expect(receipt).toMatch(RECEIPT);
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-confirm.png` });

  // Reload: the same confirmation, nothing cast again.
  await page.reload();
  await expect(page.locator(".receipt-code")).toHaveText(receipt);
  // Back: no "Confirm Form Resubmission" error. With JavaScript the review sends the deputy
  // on to the receipt; without, the review shows again from the browser's cache, and
  // confirming it again only shows the same receipt.
  await page.goBack();
  if (js) {
    await expect(page.locator("h1")).toHaveText("测评已提交");
    await expect(page.locator(".receipt-code")).toHaveText(receipt);
  } else {
    await expect(page.locator("h1")).toHaveText("核对后提交");
    await page.getByRole("button", { name: "确认提交" }).first().click();
    await expect(page.locator(".receipt-code")).toHaveText(receipt);
  }

  // The code is now used: opening it again says so, with a 409.
  const again = await page.goto(`/v/${code}`);
  expect(again?.status()).toBe(409);
  await expect(page.locator("h1")).toHaveText("您已提交过测评");
});

test("the review lists what is not rated, and each goes back to its place with every choice kept", async ({ page }, info) => {
  await page.goto(`/v/${codeFor(1, info.project.name)}`);
  await rate(page, 0, 40);
  await page.getByRole("button", { name: "检查并提交" }).click();
  await expect(page.locator("#review")).toContainText("已评 40/44 项");
  await expect(page.locator("#review .unrated li")).toHaveCount(4);
  // Items 2, 5, … were rated 不满意: listed for a second look.
  await expect(page.locator("#review .lowest li")).toHaveCount(13);
  await page.locator("#review .unrated button").first().click();
  await expect(page.locator("h1")).toHaveText("满意度测评");
  await expect(page).toHaveURL(/#i-u\d+$/);
  const item = page.locator("fieldset.item").nth(40);
  await expect(item).toBeInViewport();
  await expect(page.locator("fieldset.item .levels input:checked")).toHaveCount(40);
  await item.locator("label.level").first().click();
  await page.getByRole("button", { name: "检查并提交" }).click();
  await expect(page.locator("#review .unrated li")).toHaveCount(3);
  await page.getByRole("button", { name: "确认提交" }).last().click();
  await expect(page.locator(".confirm")).toContainText("共评价 41/44 项");
});

test("level buttons keep their size when chosen, and a choice can be cleared", async ({ page }, info) => {
  await page.goto(`/v/${codeFor(4, info.project.name)}`);
  const js = info.project.name === "phone-js";
  if (js) await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const item = page.locator("fieldset.item").first();
  const levels = item.locator("label.level");
  await expect(levels).toHaveCount(3);
  const before = await Promise.all([0, 1, 2].map((i) => levels.nth(i).boundingBox()));
  const widths = before.map((b) => Math.round(b?.width ?? 0));
  expect(new Set(widths).size, `equal widths ${widths}`).toBe(1);
  expect(new Set(before.map((b) => Math.round(b?.y ?? 0))).size, "one row").toBe(1);
  await levels.nth(2).click();
  const after = await Promise.all([0, 1, 2].map((i) => levels.nth(i).boundingBox()));
  // Tapping may scroll the page; across it the buttons keep their places and sizes.
  const shape = (b: { x: number; width: number; height: number } | null) => [b?.x, b?.width, b?.height];
  expect(after.map(shape)).toEqual(before.map(shape));
  for (const b of after) expect(b?.height ?? 0).toBeGreaterThanOrEqual(44);
  const clear = item.locator("label.clear");
  await expect(clear).toBeVisible();
  if (js) await expect(page.locator(".progress")).toContainText("已评 1/44");
  await clear.click();
  await expect(item.locator(".levels input:checked")).toHaveCount(0);
  await expect(clear).toBeHidden();
  if (js) await expect(page.locator(".progress")).toContainText("已评 0/44");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-levels.png` });
});

test("the section index, unit cards' task links, 下一项未评 and the comment counter", async ({ page }, info) => {
  const js = info.project.name === "phone-js";
  await page.goto(`/v/${codeFor(5, info.project.name)}`);
  if (js) await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  // The section index jumps to the member units.
  await page.locator(".section-index a", { hasText: "成员单位" }).click();
  await expect(page).toHaveURL(/#s-\d+$/);
  const unitCard = page.locator("fieldset.item[data-item^=u]").first();
  await expect(unitCard.locator(".ballot-unit-tasks")).toContainText("任务");
  // A unit card's task link goes to that task.
  const link = unitCard.locator(".ballot-unit-tasks a").first();
  const target = (await link.getAttribute("href")) ?? "";
  await link.click();
  await expect(page.locator(target)).toBeInViewport();
  if (!js) return;
  // 下一项未评 goes to the first item without a level.
  await page.evaluate(() => window.scrollTo(0, 0));
  await rate(page, 0, 3);
  await page.getByRole("button", { name: "下一项未评" }).click();
  await expect(page.locator("fieldset.item").nth(3)).toBeInViewport();
  // The comment counter counts as the deputy types.
  const item = page.locator("fieldset.item").nth(3);
  await item.locator("details.comment summary").click();
  await item.locator("textarea").fill("加快进度");
  await expect(item.locator(".counter")).toHaveText(/^4\/\d+字$/);
});

test("a deputy who cannot scan types the code at /v", async ({ page }, info) => {
  const code = codeFor(6, info.project.name);
  const res = await page.goto("/v");
  expect(res?.status()).toBe(200);
  await page.locator("#code").fill("abc");
  await page.getByRole("button", { name: "打开测评" }).click();
  await expect(page.locator(".alert-error")).toContainText("邀请码应为20位字母和数字");
  await page.locator("#code").fill(code.replace(/-/g, "").toLowerCase());
  await page.getByRole("button", { name: "打开测评" }).click();
  await expect(page.locator("h1")).toHaveText("满意度测评");
  await expect(page.locator("fieldset.item")).toHaveCount(44);
});

test("the ballot's first visit weighs little with JavaScript off", async ({ page }, info) => {
  let bytes = 0;
  const files: string[] = [];
  // Each request of the first visit has its sizes read as it finishes, and all are in before
  // they are added up (a failed read fails the test). Requests after the first visit are not
  // counted: their sizes are not read, so one finishing as the page closes cannot fail it.
  const pending: Promise<void>[] = [];
  let visited = false;
  page.on("requestfinished", (req) => {
    if (visited) return;
    pending.push(
      req.sizes().then((sizes) => {
        bytes += sizes.responseBodySize + sizes.responseHeadersSize;
        files.push(`${new URL(req.url()).pathname} ${sizes.responseBodySize}`);
      }),
    );
  });
  await page.goto(`/v/${codeFor(7, info.project.name)}`, { waitUntil: "networkidle" });
  visited = true;
  await Promise.all(pending);
  console.log(`ballot first visit (${info.project.name}): ${bytes} bytes over the wire: ${files.join(", ")}`);
  // Screens of scrolling at 360×740: the form, and the review with its confirm button.
  const screens = () => page.evaluate(() => (document.documentElement.scrollHeight / window.innerHeight).toFixed(1));
  const form = await screens();
  await page.getByRole("button", { name: "检查并提交" }).click();
  await expect(page.locator("h1")).toHaveText("核对后提交");
  console.log(`screens (${info.project.name}): form ${form}, review ${await screens()} (confirm on the first)`);
  if (info.project.name === "phone-nojs") {
    expect(files.some((f) => f.includes(".wasm")), files.join()).toBe(false);
    expect(bytes).toBeLessThan(20_000);
  }
});

test("with JavaScript, a reload keeps the draft", async ({ page }, info) => {
  test.skip(info.project.name !== "phone-js", "the draft lives in the browser's storage");
  await page.goto(`/v/${codeFor(2, info.project.name)}`);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await rate(page, 0, 7);
  await page.locator("#overall").fill("希望加快进度");
  await expect(page.locator(".progress")).toContainText("已评 7/44");
  await page.reload();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.locator(".progress")).toContainText("已评 7/44");
  await expect(page.locator(".draft-note")).toBeVisible();
  await expect(page.locator("fieldset.item input:checked")).toHaveCount(7);
  await expect(page.locator("#overall")).toHaveValue("希望加快进度");
  // The note has been read once the deputy goes on.
  await rate(page, 7, 8);
  await expect(page.locator(".draft-note")).toBeHidden();
});

test("a cast ballot is revised with its receipt, not without", async ({ page }, info) => {
  const code = codeFor(3, info.project.name);
  await page.goto(`/v/${code}`);
  await rate(page, 0, 2);
  await page.getByRole("button", { name: "检查并提交" }).click();
  await page.getByRole("button", { name: "确认提交" }).first().click();
  const receipt = (await page.locator(".receipt-code").textContent())?.trim() ?? "";
  expect(receipt).toMatch(RECEIPT);
  if (info.project.name === "phone-js") {
    // The receipt is kept in this browser only if the deputy chooses to, after a warning.
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
    const keep = page.locator(".receipt-keep");
    await expect(keep).toContainText("任何拿到这部手机的人都能用它修改您的测评");
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ceping.receipt.")))).toEqual([]);
    await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-receipt-keep.png`, fullPage: true });
    await keep.getByRole("button", { name: "在本手机保存回执码" }).click();
    await expect(keep).toContainText("回执码已保存在本手机的浏览器里");
  } else {
    // Without JavaScript there is nothing to keep it with, and nothing is offered.
    await expect(page.locator(".receipt-keep")).toBeHidden();
  }

  await page.goto(`/v/${code}`);
  const input = page.locator("#receipt");
  if (info.project.name === "phone-js") {
    // The browser kept the receipt and fills it in.
    await expect(input).toHaveValue(receipt);
  }
  // A wrong receipt opens nothing. (It is typed over the filled-in one; with JavaScript, once
  // the page has woken up, so the fill never races the island writing the saved receipt.)
  await input.fill("00000-00000-00000-00000");
  await page.getByRole("button", { name: "修改我的测评" }).click();
  await expect(page.locator("h1")).toHaveText("回执码不正确");

  await page.goto(`/v/${code}`);
  if (info.project.name === "phone-js") {
    await expect(page.locator("#receipt")).toHaveValue(receipt);
  }
  await page.locator("#receipt").fill(receipt.toLowerCase());
  await page.getByRole("button", { name: "修改我的测评" }).click();
  await expect(page.locator("h1")).toHaveText("修改测评");
  // The ballot is sealed: the page starts blank and says why.
  await expect(page.locator(".revise-blank")).toContainText("无法再显示您原来的选择");
  await expect(page.locator("fieldset.item input:checked")).toHaveCount(0);
  await rate(page, 0, 44);
  await page.getByRole("button", { name: "检查并提交" }).click();
  await expect(page.locator("#review")).toContainText("已评 44/44 项");
  await page.getByRole("button", { name: "确认修改" }).first().click();
  await expect(page.locator("h1")).toHaveText("修改已保存");
});

test("unknown and malformed codes get a clear 404", async ({ page }) => {
  for (const code of ["AAAAA-BBBBB-CCCCC-DDDDD", "123"]) {
    const res = await page.goto(`/v/${code}`);
    expect(res?.status()).toBe(404);
    await expect(page.locator("h1")).toHaveText("邀请码无效");
  }
});
