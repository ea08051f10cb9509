import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, expect, type Page, test, type TestInfo } from "@playwright/test";
import { signInOffice } from "./staff";

/** A 1×1 PNG, as a phone's photo would arrive (its bytes say PNG). */
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** Each project's liaison reports for a unit of its own, so the two runs never meet. */
const UNITS: Record<string, string> = { "phone-js": "市科技局", "phone-nojs": "市商务局" };

/** Makes the liaison's account with the command line, as the office would (password on stdin). */
function addLiaison(login: string, unit: string, password: string): void {
  execFileSync(
    "../target/release/ceping",
    ["user", "add", "--role", "liaison", "--unit", unit, "--login", login],
    { env: { ...process.env, CEPING_DB: "../target/e2e/db/ceping.db" }, input: `${password}\n`, encoding: "utf8" },
  );
}

/** The liaison's own phone: a second browser with the project's settings. */
async function liaisonPhone(browser: Browser, info: TestInfo, login: string, password: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: info.project.use.baseURL,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    javaScriptEnabled: info.project.use.javaScriptEnabled !== false,
  });
  const page = await context.newPage();
  await page.goto("/login?next=/desk");
  await page.locator("#login").fill(login);
  await page.locator("#password").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  // The desk of a liaison is their unit's.
  await expect(page).toHaveURL(/\/desk\/unit$/);
  return page;
}

/** axe-core's WCAG 2.x A/AA check, where scripts run (the markup is the same without). */
async function accessible(page: Page, info: TestInfo, what: string): Promise<void> {
  if (info.project.name !== "phone-js") return;
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const found = result.violations.map(
    (v) => `${v.id}: ${v.help} ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found, `${what}:\n${found.join("\n")}`).toEqual([]);
}

/** Nothing runs off the phone's 360 px (a table scrolls inside its own box, and may). With a
 *  mobile viewport the page would rather zoom out than scroll, so the boxes are measured. */
async function noHorizontalScroll(page: Page): Promise<void> {
  const right = await page.evaluate(() =>
    Math.max(
      ...[...document.querySelectorAll("main *")]
        .filter((e) => !e.closest(".table-wrap"))
        .map((e) => e.getBoundingClientRect().right),
    ),
  );
  expect(right, "something runs off the phone's screen").toBeLessThanOrEqual(360 + 1);
}

test("a liaison files a sub-plan and a monthly report; the office returns, approves, accepts and audits; the board changes colour", async ({ page, browser }, info) => {
  test.setTimeout(90_000);
  const project = info.project.name;
  const unit = UNITS[project];
  const login = `liaison-${project}`;
  const password = "e2e-liaison-secret";
  addLiaison(login, unit, password);
  const shot = (p: Page, name: string) =>
    p.screenshot({ path: `../target/e2e/shots/${project}-handling-${name}.png`, fullPage: true });

  // The liaison's desk: no sub-plan yet, and when it is due.
  const phone = await liaisonPhone(browser, info, login, password);
  await expect(phone.locator("h1")).toHaveText(unit);
  await expect(phone.locator("#subplan")).toContainText("还没有分方案");
  await expect(phone.locator("#subplan")).toContainText("2020-05-10");
  await shot(phone, "desk");
  await accessible(phone, info, "the liaison's desk");

  // The unit's public page before: nothing approved, so no colour.
  const unitLink = await phone.getByRole("link", { name: "查看本单位的公开进展页" }).getAttribute("href");
  await page.goto(unitLink!);
  await expect(page.locator("main > p").first()).toContainText("暂无数据");

  // The sub-plan: one indicator, with a fault first (a target that is no number).
  await phone.getByRole("link", { name: "填写分方案" }).click();
  await expect(phone.locator("h1")).toContainText("分方案第1版");
  await phone.locator("#measures").fill("成立工作专班，按月调度。");
  await phone.locator("#i0_name").fill("新增上云企业");
  await phone.locator("#i0_baseline").fill("0");
  await phone.locator("#i0_target").fill("一百");
  await phone.locator("#i0_unit").fill("家");
  await phone.locator("#i0_starts").fill("2020-05-01");
  await phone.locator("#i0_due").fill("2020-12-31");
  await phone.getByRole("button", { name: "保存并报送办公室" }).click();
  await expect(phone.locator(".alert-error")).toContainText("第1项指标：目标值“一百”不是数字。");
  await expect(phone.locator("#i0_name")).toHaveValue("新增上云企业");
  await noHorizontalScroll(phone);
  await shot(phone, "subplan-fault");
  await accessible(phone, info, "the sub-plan form");
  await phone.locator("#i0_target").fill("100");
  await phone.getByRole("button", { name: "保存并报送办公室" }).click();
  await expect(phone).toHaveURL(/\/desk\/unit\?done=submitted$/);
  await expect(phone.locator(".alert-review")).toContainText("分方案已报送办公室");

  // The office returns it with a reason.
  await signInOffice(page, "/desk/handling");
  await expect(page.locator("h1")).toHaveText("办理进展 · 审核");
  await page.getByRole("link", { name: `${unit} · 分方案第1版` }).click();
  await page.locator("#reason").fill("目标值偏低，请对标去年");
  await page.getByRole("button", { name: "退回修改" }).click();
  await expect(page.locator(".alert-review")).toContainText("已退回");

  // The liaison sees why, revises (version 2) and submits; the office approves.
  await phone.goto("/desk/unit");
  await expect(phone.locator("#subplan")).toContainText("目标值偏低，请对标去年");
  await phone.getByRole("link", { name: "修改后重新报送" }).click();
  await expect(phone.locator("h1")).toContainText("分方案第2版");
  await expect(phone.locator("#i0_target")).toHaveValue("100");
  await phone.locator("#i0_target").fill("120");
  await phone.getByRole("button", { name: "保存并报送办公室" }).click();
  await expect(phone).toHaveURL(/done=submitted$/);
  await page.goto("/desk/handling");
  await page.getByRole("link", { name: `${unit} · 分方案第2版` }).click();
  await page.getByRole("button", { name: "审核通过" }).click();
  await expect(page.locator(".alert-review")).toContainText("分方案已审核通过");

  // The June report: every task's status, the indicator's value.
  await phone.goto("/desk/unit");
  await expect(phone.locator("#subplan")).toContainText("现行分方案（第2版）");
  await shot(phone, "desk-approved");
  await phone.locator('tr[data-period="2020-06"]').getByRole("link", { name: "报送" }).click();
  await expect(phone.locator("h1")).toContainText("2020年6月进展报告");
  const value = phone.locator('input[id^="v"]').first();
  await value.fill("30");
  for (const select of await phone.locator('select[id^="s"]').all()) await select.selectOption("on_track");
  await noHorizontalScroll(phone);
  await shot(phone, "report-form");
  await accessible(phone, info, "the report form");
  await phone.getByRole("button", { name: "报送", exact: true }).click();
  await expect(phone).toHaveURL(/done=report$/);

  // The office returns it; the liaison refiles (the form keeps the returned values).
  await page.goto("/desk/handling");
  await page.getByRole("link", { name: `${unit} · 2020年6月第1版` }).click();
  await page.locator("#reason").fill("缺少佐证材料");
  await page.getByRole("button", { name: "退回" }).click();
  await expect(page.locator(".alert-review")).toContainText("已退回");
  await phone.goto("/desk/unit");
  await expect(phone.locator('tr[data-period="2020-06"]')).toContainText("缺少佐证材料");
  await phone.locator('tr[data-period="2020-06"]').getByRole("link", { name: "报送" }).click();
  await expect(phone.locator(".alert-error")).toContainText("缺少佐证材料");
  await expect(value).toHaveValue("30");
  await value.fill("60");
  // The evidence this time: a photo from the phone, and a file that only says it is a PDF.
  const photo = { name: "现场照片.png", mimeType: "image/png", buffer: Buffer.from(PNG_1X1, "base64") };
  const fake = { name: "台账.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>not a pdf</html>") };
  await phone.locator("#evidence").setInputFiles([photo, fake]);
  await phone.getByRole("button", { name: "报送", exact: true }).click();
  await expect(phone.locator(".alert-error").filter({ hasText: "未能保存" })).toContainText("文件“台账.pdf”不是可以接受的佐证材料");
  await expect(value).toHaveValue("60");
  await shot(phone, "report-evidence-fault");
  await phone.locator("#evidence").setInputFiles([photo]);
  await phone.getByRole("button", { name: "报送", exact: true }).click();
  await expect(phone).toHaveURL(/done=report$/);

  // The office accepts it and sets an audited value below the reported one.
  await page.goto("/desk/handling");
  await page.getByRole("link", { name: `${unit} · 2020年6月第2版` }).click();
  // The photo is there, and goes back as a download under its name.
  await expect(page.locator("#evidence")).toContainText("现场照片.png");
  const saving = page.waitForEvent("download");
  await page.locator("#evidence").getByRole("link", { name: "现场照片.png" }).click();
  const saved = await saving;
  expect(saved.suggestedFilename()).toBe("现场照片.png");
  await page.getByRole("button", { name: "审核通过" }).click();
  await expect(page.locator(".alert-review")).toContainText("报告已审核通过");
  await page.locator('input[name="value"]').first().fill("48");
  await page.locator('input[name="reason"]').first().fill("佐证只支持48家");
  await page.getByRole("button", { name: "设定审核值" }).first().click();
  await expect(page.locator(".alert-review")).toContainText("审核值已设定");
  await expect(page.locator(".indicators-review")).toContainText("佐证只支持48家");
  await expect(page.locator(".indicators-review")).toContainText("报送值 60 · 审核值 48");
  await shot(page, "office-report");
  await accessible(page, info, "the office's report page");

  // The public unit page: reported 60, audited 48, judged on 48 of 120 — and a colour now.
  await page.goto(unitLink!);
  const row = page.locator("table.indicators tbody tr").first();
  await expect(row).toContainText("60");
  await expect(row).toContainText("48");
  await expect(row).toContainText("40.0%");
  await expect(page.locator("main > p").first()).not.toContainText("暂无数据");
  await expect(page.locator("main > p .rag").first()).toHaveText(/正常|滞后|严重滞后/);
  await noHorizontalScroll(page);
  await shot(page, "unit-record");
  await accessible(page, info, "the unit's record");
  await page.goto("/progress");
  await expect(page.locator("h1")).toHaveText("办理进展");
  await expect(page.locator("#units")).toContainText(unit);
  await shot(page, "board");
  await accessible(page, info, "the board");
  await page.goto("/desk/handling");
  await accessible(page, info, "the office's review list");

  // The sub-plan template: downloaded on the phone, uploaded back as it is — a new draft
  // with the approved version's indicator.
  await phone.goto("/desk/unit/subplan");
  await shot(phone, "subplan-sheet");
  const fetching = phone.waitForEvent("download");
  await phone.getByRole("link", { name: "下载分方案模板（XLSX）" }).click();
  const template = await fetching;
  expect(template.suggestedFilename()).toBe(`${unit}-分方案模板.xlsx`);
  await phone.locator("#sheet-file").setInputFiles(await template.path());
  await phone.getByRole("button", { name: "上传到草稿" }).click();
  await expect(phone).toHaveURL(/done=sheet$/);
  await expect(phone.locator(".alert-review")).toContainText("已从表格读入分方案草稿");
  await phone.getByRole("link", { name: "继续编辑草稿" }).click();
  await expect(phone.locator("h1")).toContainText("分方案第3版");
  await expect(phone.locator("#i0_target")).toHaveValue("120");
  await phone.context().close();
});
