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

test("a deputy rates everything, reviews and submits", async ({ page }, info) => {
  const code = codeFor(0, info.project.name);
  const res = await page.goto(`/v/${code}`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["cache-control"]).toBe("no-store");
  await expect(page.locator("h1")).toHaveText("满意度测评");
  const items = page.locator("fieldset.item");
  await expect(items).toHaveCount(44);
  if (info.project.name === "phone-js") {
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
    await expect(page.locator(".progress")).toContainText("已评 0/44");
  } else {
    await expect(page.locator(".progress")).toBeHidden();
  }
  await rate(page, 0, 44);
  if (info.project.name === "phone-js") {
    await expect(page.locator(".progress")).toContainText("已评 44/44");
  }
  await page.locator("#i-t1 details.comment summary").click();
  await page.locator("#i-t1 textarea").fill("进度符合方案安排。");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-ballot.png` });

  await page.getByRole("button", { name: "检查并提交" }).click();
  await expect(page.locator("#review")).toContainText("已评 44/44 项");
  await expect(page.locator("#review")).toContainText("全部项目均已评价");
  // The review shows the choices back.
  await expect(page.locator("#i-t1 textarea")).toHaveValue("进度符合方案安排。");
  await expect(page.locator("fieldset.item input:checked")).toHaveCount(44);

  await page.getByRole("button", { name: "确认提交" }).click();
  await expect(page.locator("h1")).toHaveText("测评已提交");
  await expect(page.locator(".confirm")).toContainText("共评价 44/44 项");
  await expect(page.locator(".receipt-code")).toHaveText(RECEIPT);
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-confirm.png` });

  // The code is now used: opening it again says so, with a 409.
  const again = await page.goto(`/v/${code}`);
  expect(again?.status()).toBe(409);
  await expect(page.locator("h1")).toHaveText("您已提交过测评");
});

test("the review step lists what is not rated", async ({ page }, info) => {
  await page.goto(`/v/${codeFor(1, info.project.name)}`);
  await rate(page, 0, 40);
  await page.getByRole("button", { name: "检查并提交" }).click();
  await expect(page.locator("#review")).toContainText("已评 40/44 项");
  await expect(page.locator("#review .unrated li")).toHaveCount(4);
  await page.getByRole("button", { name: "确认提交" }).click();
  await expect(page.locator(".confirm")).toContainText("共评价 40/44 项");
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
});

test("a cast ballot is revised with its receipt, not without", async ({ page }, info) => {
  const code = codeFor(3, info.project.name);
  await page.goto(`/v/${code}`);
  await rate(page, 0, 2);
  await page.getByRole("button", { name: "检查并提交" }).click();
  await page.getByRole("button", { name: "确认提交" }).click();
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
  await page.getByRole("button", { name: "确认修改" }).click();
  await expect(page.locator("h1")).toHaveText("修改已保存");
});

test("unknown and malformed codes get a clear 404", async ({ page }) => {
  for (const code of ["AAAAA-BBBBB-CCCCC-DDDDD", "123"]) {
    const res = await page.goto(`/v/${code}`);
    expect(res?.status()).toBe(404);
    await expect(page.locator("h1")).toHaveText("邀请码无效");
  }
});
