import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { trialRound } from "./cli";
import { signInOffice } from "./staff";

const SHOTS = "../target/e2e/shots";

/** Nothing wider than the window: no sideways scroll of the page itself. */
async function noOverflow(page: Page, what: string) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, `${what} is wider than the window`).toBeLessThanOrEqual(width);
}

/** `el` lies inside the window's width (not behind a sideways scroll). */
async function inView(page: Page, selector: string, what: string) {
  const box = await page.locator(selector).first().boundingBox();
  expect(box, `${what}: ${selector}`).not.toBeNull();
  const width = page.viewportSize()!.width;
  expect(box!.x + box!.width, `${what}: ${selector} is off the right edge`).toBeLessThanOrEqual(width);
}

test("at 1366×768 the office's and the evaluators' pages fit the window, the results' key columns in view", async ({ page }, info) => {
  test.skip(info.project.name !== "phone-js", "one desktop run; the markup is the same without JavaScript");
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  const round = trialRound(`桌面检查 ${info.project.name}`, 3);
  await page.goto(`/v/${round.codes[0]}`);
  await page.locator("fieldset.item").first().locator("label.level").nth(2).click();
  await page.getByRole("button", { name: "检查并提交" }).click();
  await page.getByRole("button", { name: "确认提交" }).first().click();
  await expect(page.locator("h1")).toHaveText("测评已提交");
  round.count();

  await signInOffice(page, `/results/${round.id}`);
  await expect(page.locator(".results-summary h2")).toHaveText("概况");
  await expect(page.locator(".results-summary")).toContainText("1 项不满意");
  await noOverflow(page, "the results page");
  // The ranked table's figures people look for first are on screen, not behind a scroll.
  for (const col of ["综合指数", "需重新办理"]) {
    await inView(page, `table.results th:has-text("${col}")`, "the results table");
  }
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/desktop-results.png` });

  for (const path of [
    "/desk",
    `/desk/rounds/${round.id}`,
    `/desk/rounds/${round.id}/invitations`,
    `/desk/rounds/${round.id}/report`,
    "/desk/audit",
    "/plans/1",
    "/plans/1/units",
    "/plans/1/group",
  ]) {
    await page.goto(path);
    await noOverflow(page, path);
  }
  await page.goto(`/desk/rounds/${round.id}`);
  await expect(page.locator(".round-events")).toContainText("开始测评：");
  await expect(page.locator(".round-events")).toContainText("（北京时间）");
  await page.screenshot({ path: `${SHOTS}/desktop-round.png`, fullPage: true });
});
