import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

test("the office runs a round: create, codes, a vote, close, both exports", async ({ page }, info) => {
  await page.goto("/login?next=/desk");
  await page.locator("#login").fill("office");
  await page.locator("#password").fill("e2e-office-secret");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/desk$/);

  // A new round.
  await page.getByRole("link", { name: "新建测评轮次" }).click();
  const name = `半年检查 ${info.project.name}`;
  await page.locator("#name").fill(name);
  await page.getByRole("button", { name: "建立测评轮次" }).click();
  await expect(page).toHaveURL(/\/desk\/rounds\/\d+\?done=created$/);
  const round = page.url().match(/rounds\/(\d+)/)![1];
  await expect(page.locator("h1")).toHaveText(name);

  // Codes for three deputies: printable slips with QR codes.
  await page.getByRole("link", { name: "生成、打印、作废邀请码" }).click();
  await page.locator("#names").fill("张三,江岸代表团\n李四,江岸代表团\n王五,武昌代表团");
  await page.getByRole("button", { name: "生成并打印" }).click();
  await expect(page.locator("h1")).toHaveText("已生成 3 个邀请码");
  await expect(page.locator(".slip")).toHaveCount(3);
  await expect(page.locator(".slip-qr svg")).toHaveCount(3);
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-slips.png`, fullPage: true });
  const code = (await page.locator(".slip-code").first().textContent())!.trim();

  // Open the round.
  await page.goto(`/desk/rounds/${round}`);
  await page.getByRole("button", { name: "开始测评" }).click();
  await expect(page.locator(".alert-review")).toContainText("测评已开始");

  // A deputy votes with the first code.
  await page.goto(`/v/${code}`);
  await page.locator("fieldset.item").first().locator("label.level").first().click();
  await page.getByRole("button", { name: "检查并提交" }).click();
  await page.getByRole("button", { name: "确认提交" }).click();
  await expect(page.locator("h1")).toHaveText("测评已提交");

  // Turnout, without anyone's choices.
  await page.goto(`/desk/rounds/${round}`);
  await expect(page.locator(".big-number")).toContainText("已投 1 / 应投 3");
  await expect(page.locator("table.delegations")).toContainText("不足5人");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-round-desk.png`, fullPage: true });

  // While the round is open and unpublished, nobody sees results, the office included.
  await page.goto(`/results/${round}`);
  await expect(page.locator(".alert-review")).toContainText("为保护投票秘密");
  const hidden = await page.request.get(`/results/${round}/charts/units-ranked.svg`);
  expect(hidden.status()).toBe(403);
  await page.goto(`/screen/${round}`);
  await expect(page.locator(".screen-wait")).toHaveText("测评结束后公布结果。");

  // Close, after a confirmation.
  await page.goto(`/desk/rounds/${round}`);
  await page.getByRole("button", { name: "结束测评……" }).click();
  await expect(page.locator("h1")).toHaveText("确认结束测评");
  await page.getByRole("button", { name: "确认结束" }).click();
  await expect(page.locator(".alert-review")).toContainText("测评已结束");

  // Both exports download.
  const [xlsx] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "导出 Excel（XLSX）" }).click(),
  ]);
  expect(xlsx.suggestedFilename()).toBe(`round-${round}-export.xlsx`);
  const xlsxBytes = readFileSync((await xlsx.path())!);
  expect(xlsxBytes.subarray(0, 2).toString()).toBe("PK");
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "导出匿名选票（CSV）" }).click(),
  ]);
  const csvText = readFileSync((await csv.path())!, "utf8");
  expect(csvText.charCodeAt(0)).toBe(0xfeff);
  const lines = csvText.trim().split("\r\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain("满意");

  // The printable report.
  await page.goto(`/desk/rounds/${round}/report`);
  await expect(page.locator(".report h1")).toContainText("满意度测评情况的报告");
  await expect(page.locator(".report")).toContainText("应参加代表3人，实际参加1人");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-report.png` });
});
