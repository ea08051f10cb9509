import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { trialRound } from "./cli";
import { signInOffice } from "./staff";

const SHOTS = "../target/e2e/shots";

/** A deputy rates the first items as `levels` says (0 满意, 1 基本满意, 2 不满意) and casts. */
async function vote(page: Page, code: string, levels: number[], comment?: string, overall?: string) {
  await page.goto(`/v/${code}`);
  const items = page.locator("fieldset.item");
  for (const [i, level] of levels.entries()) {
    await items.nth(i).locator("label.level").nth(level).click();
  }
  if (comment) {
    await items.first().locator("details.comment summary").click();
    await items.first().locator("textarea").fill(comment);
  }
  if (overall) await page.locator("#overall").fill(overall);
  await page.getByRole("button", { name: "检查并提交" }).click();
  await page.getByRole("button", { name: "确认提交" }).first().click();
  await expect(page.locator("h1")).toHaveText("测评已提交");
}

/** A heading that opens a part ("一、", "（一）") or a table's caption ("表1"). */
const HEADING = /^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|表\d+\s)/;

test("the year-end report prints as an official document: numbered pages, none empty, no heading left alone", async ({ page }, info) => {
  test.skip(info.project.name !== "phone-js", "one print is enough; the JS-off page is checked in office.spec");
  test.setTimeout(120_000);
  const round = trialRound(`年终报告 ${info.project.name}`, 5);
  // The first task: 不满意 by three of five (flagged); the second satisfied; the rest varied.
  await vote(page, round.codes[0], [2, 0, 1, 0], "进度偏慢，请说明原因", "总体上推进有力");
  await vote(page, round.codes[1], [2, 0, 0, 1], "建议公开时间表");
  await vote(page, round.codes[2], [2, 0, 1, 2], undefined, "希望加强督办");
  await vote(page, round.codes[3], [0, 0, 0, 0]);
  await vote(page, round.codes[4], [1, 0, 2, 0]);
  round.count();

  await signInOffice(page, `/desk/rounds/${round.id}/report`);
  const report = page.locator(".report");
  await expect(page.locator(".report h1")).toHaveText("关于市十四届人大五次会议3号议案办理工作满意度测评情况的报告");
  await expect(page.getByRole("button", { name: "打印或另存为PDF" })).toBeVisible();
  await expect(page.locator(".js-off-only")).toBeHidden();
  // The flagged task with its rate and the threshold; the comments, overall and by item, counted.
  await expect(page.locator(".report-flagged li").first()).toContainText("测评结果为不满意；满意率40.0%，低于80.0%的标准");
  await expect(report).toContainText("代表填写的总体意见共2条");
  await expect(page.locator(".report-comment-group").first()).toContainText("（共2条）");
  await expect(report).toContainText("本轮为试用测评");
  // Full task texts, never cut.
  await expect(page.locator(".report-table .report-text").first()).not.toContainText("…");
  await page.screenshot({ path: `${SHOTS}/report-phone.png` });

  // Printed as Chromium prints it (the page's own @page rules), then read back page by page.
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const pdfPath = `${SHOTS}/report.pdf`;
  writeFileSync(pdfPath, pdf);
  const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"], { encoding: "utf8" });
  const pages = text.split("\f").filter((p, i, all) => i < all.length - 1 || p.trim() !== "");
  expect(pages.length).toBeGreaterThanOrEqual(4);
  for (const [i, p] of pages.entries()) {
    const lines = p.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
    // "— 1 —" at the foot of every page, and the page holds something besides it.
    // (pdftotext may drop the thin spaces around the number.)
    const footer = lines.findIndex((l) => new RegExp(`^—\\s*${i + 1}\\s*—$`).test(l.trim()));
    expect(footer, `page ${i + 1} has its number:\n${p}`).toBeGreaterThanOrEqual(0);
    const content = lines.filter((_, k) => k !== footer);
    expect(content.length, `page ${i + 1} is not empty`).toBeGreaterThan(0);
    // No page ends on a heading or a caption whose text is on the next page.
    expect(content[content.length - 1], `page ${i + 1} ends on a heading`).not.toMatch(HEADING);
  }
  // Page 1 is filled (the title does not stand alone), and each chart is an attachment of its own.
  const first = pages[0].split("\n").filter((l) => l.trim() !== "");
  expect(first.length).toBeGreaterThan(12);
  const annex1 = pages.findIndex((p) => /^\s*附件1\s*$/m.test(p));
  const annex2 = pages.findIndex((p) => /^\s*附件2\s*$/m.test(p));
  expect(annex1).toBeGreaterThan(0);
  expect(annex2).toBe(annex1 + 1);
  expect(pages[annex1]).toContain("各项工作任务代表评价分布图");
  expect(pages[annex2]).toContain("成员单位综合指数排名图");
  // The issuer and the date close the body, before the attachments.
  const body = pages.slice(0, annex1).join("\n");
  expect(body).toContain("市十四届人大五次会议3号议案办理工作领导小组办公室");
  expect(body).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
});
