import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { ceping } from "./cli";
import { signInOffice } from "./staff";

test("the office runs a round: create, codes, tellers' keys, a vote, close, the count, exports", async ({ page }, info) => {
  await signInOffice(page, "/desk");
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
  // A reload of the slips posts the same form again: no second batch is made.
  await page.reload();
  await expect(page.locator(".alert-error")).toContainText("这批邀请码（3个）已经生成过");
  await expect(page.locator("section.card h2").filter({ hasText: "已生成" })).toHaveText("已生成 3 个");

  // No tellers' key yet: the round does not open, and the desk says what to do.
  await page.goto(`/desk/rounds/${round}`);
  await expect(page.locator(".tellers")).toContainText("尚未指定监票人");
  await page.getByRole("button", { name: "开始测评" }).click();
  await expect(page.locator(".alert-error")).toContainText("监票人还没有生成密钥");

  // The keys (a trial: one person makes every teller's), then the round opens.
  const keys = `../target/e2e/db/keys-${round}`;
  ceping("tellers", "keygen", "--round", round, "--solo", "--out-dir", keys);
  await page.goto(`/desk/rounds/${round}`);
  await expect(page.locator(".tellers")).toContainText("试用轮次");
  await page.getByRole("button", { name: "开始测评" }).click();
  // Opening asks first, saying what freezes for good.
  await expect(page.locator("h1")).toHaveText("确认开始测评");
  await expect(page.locator(".consequences")).toContainText("评价等级");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-confirm-open.png`, fullPage: true });
  await page.getByRole("button", { name: "确认开始" }).click();
  await expect(page.locator(".alert-review")).toContainText("测评已开始");

  // A deputy votes with the first code, with a comment.
  await page.goto(`/v/${code}`);
  await page.locator("fieldset.item").first().locator("label.level").first().click();
  await page.locator("#overall").fill("请加快进度");
  await page.getByRole("button", { name: "检查并提交" }).click();
  await page.getByRole("button", { name: "确认提交" }).first().click();
  await expect(page.locator("h1")).toHaveText("测评已提交");
  const tracking = (await page.locator(".tracking-code").textContent())!.trim();
  expect(tracking).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

  // Revoking 王五's code asks first, naming the code; 取消 changes nothing.
  await page.goto(`/desk/rounds/${round}/invitations`);
  const wang = page.locator("tr", { hasText: "王五" });
  await wang.getByRole("button", { name: "作废" }).click();
  await expect(page.locator("h1")).toHaveText("确认作废邀请码");
  await expect(page.locator("main")).toContainText("王五，武昌代表团");
  await page.getByRole("link", { name: "取消" }).click();
  await expect(page.locator("tr", { hasText: "王五" }).getByRole("button", { name: "作废" })).toHaveCount(1);
  await page.locator("tr", { hasText: "王五" }).getByRole("button", { name: "作废" }).click();
  await page.getByRole("button", { name: "确认作废" }).click();
  await expect(page.locator("tr", { hasText: "王五" }).getByRole("button", { name: "作废" })).toHaveCount(0);

  // Turnout, without anyone's choices.
  await page.goto(`/desk/rounds/${round}`);
  await expect(page.locator(".big-number")).toContainText("已投 1 / 应投 2");
  await expect(page.locator("table.delegations")).toContainText("不足5人");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-round-desk.png`, fullPage: true });

  // While the round is open, no figure exists: nobody sees results, the office included.
  await page.goto(`/results/${round}`);
  await expect(page.locator(".alert-review")).toContainText("选票已密封保存");
  const hidden = await page.request.get(`/results/${round}/charts/units-ranked.svg`);
  expect(hidden.status()).toBe(403);
  await page.goto(`/screen/${round}`);
  await expect(page.locator(".screen-wait")).toHaveText("测评结束、监票人计票后公布结果。");

  // Close, after a confirmation.
  await page.goto(`/desk/rounds/${round}`);
  await page.getByRole("button", { name: "结束测评……" }).click();
  await expect(page.locator("h1")).toHaveText("确认结束测评");
  // It names who has not voted (two of the three).
  await expect(page.locator(".non-voters")).toContainText("尚有 1 人未投票");
  await expect(page.locator(".non-voters")).toContainText("李四（江岸代表团）");
  await page.getByRole("button", { name: "确认结束" }).click();
  await expect(page.locator(".alert-review")).toContainText("测评已结束");

  // The deputy checks, before the count, that their sealed ballot is stored.
  await page.goto(`/track/${round}`);
  await page.locator("#t").fill(tracking.toLowerCase());
  await page.getByRole("button", { name: "核对" }).click();
  await expect(page.locator(".track-found")).toContainText("找到了");
  await page.goto(`/desk/rounds/${round}`);

  // Closed, not counted: still nothing, and the desk shows the count waiting.
  await expect(page.locator(".count-state")).toContainText("等待计票：已有 0/2");
  const early = await page.request.get(`/desk/rounds/${round}/export.xlsx`);
  expect(early.status()).toBe(409);

  // Two tellers count; the desk says who opened it.
  ceping("round", "count", round, "--key", `${keys}/teller-1.json`);
  await page.goto(`/desk/rounds/${round}`);
  await expect(page.locator(".count-state")).toContainText("已有 1/2");
  ceping("round", "count", round, "--key", `${keys}/teller-2.json`);
  await page.goto(`/desk/rounds/${round}`);
  await expect(page.locator(".count-state")).toContainText("已计票：1 张选票，由监票人 1、2 共同开启");
  expect(ceping("round", "verify", round)).toContain("the count verifies");

  // The exports download; none holds a ballot, the comments come in random order.
  const [xlsx] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "导出 Excel（XLSX）" }).click(),
  ]);
  // Saved under a Chinese name (the round's), from the header's UTF-8 filename*.
  expect(xlsx.suggestedFilename()).toBe(`${name}-测评结果.xlsx`);
  const xlsxBytes = readFileSync((await xlsx.path())!);
  expect(xlsxBytes.subarray(0, 2).toString()).toBe("PK");
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "导出意见（CSV，随机顺序）" }).click(),
  ]);
  const csvText = readFileSync((await csv.path())!, "utf8");
  expect(csvText.charCodeAt(0)).toBe(0xfeff);
  const lines = csvText.trim().split("\r\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain("请加快进度");
  const gone = await page.request.get(`/desk/rounds/${round}/ballots.csv`);
  expect(gone.status()).toBe(410);

  // The printable report.
  await page.goto(`/desk/rounds/${round}/report`);
  await expect(page.locator(".report h1")).toContainText("满意度测评情况的报告");
  await expect(page.locator(".report")).toContainText("应参加代表2人，实际参加1人");
  // Printing: a button where JavaScript runs, the browser's own 打印 named where it does not.
  const js = info.project.name === "phone-js";
  await expect(page.getByRole("button", { name: "打印或另存为PDF" })).toBeVisible({ visible: js });
  await expect(page.locator(".js-off-only")).toBeVisible({ visible: !js });
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-report.png` });

  // The audit trail, in Chinese and Beijing time (the stored code in each cell's title).
  await page.goto("/desk/audit");
  await expect(page.locator(".alert-review")).toContainText("审计日志完整");
  await expect(page.locator("td[title='round.open']").first()).toHaveText("开始测评");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-audit.png`, fullPage: true });
});
