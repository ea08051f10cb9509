import { expect, test } from "@playwright/test";
import { trialRound } from "./cli";

test("an evaluator scores a task, the tellers count, and the charts and the big screen read", async ({ page }, info) => {
  const login = `eval-${info.project.name}`;
  // A round of its own, so its count is this test's: two deputies' ballots first.
  const round = trialRound(`评估测试 ${info.project.name}`, 4);
  const r = round.id;
  for (const code of round.codes.slice(0, 2)) {
    await page.goto(`/v/${code}`);
    for (let i = 0; i < 3; i++) {
      await page.locator("fieldset.item").nth(i).locator("label.level").nth(i).click();
    }
    await page.getByRole("button", { name: "检查并提交" }).click();
    await page.getByRole("button", { name: "确认提交" }).first().click();
    await expect(page.locator("h1")).toHaveText("测评已提交");
  }

  await page.goto("/login?next=/desk");
  await page.locator("#login").fill(login);
  await page.locator("#password").fill("e2e-evaluator-secret");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/desk$/);
  await page.goto(`/score/${r}`);
  await expect(page.locator("h1")).toHaveText("评估打分");
  await expect(page.locator(".progress-line")).toHaveText("已评完 0/44 项");

  // The first task: a score out of range is refused and shown again with its reason.
  await page.getByRole("link", { name: "(一)1", exact: true }).click();
  await expect(page.locator("h1")).toHaveText("(一)1");
  await page.locator("#s1").fill("120");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await expect(page.locator(".alert-error")).toContainText("“工作进度”的分数120超出范围");
  await expect(page.locator("#s1")).toHaveValue("120");
  await expect(page.locator("#s1")).toHaveAttribute("aria-invalid", "true");

  for (const [i, v] of ["90", "85", "80", "70", "95"].entries()) {
    await page.locator(`#s${i + 1}`).fill(v);
  }
  await page.locator("#note").fill("月报按时报送，进度符合方案。");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-sheet.png`, fullPage: true });
  await page.getByRole("button", { name: "保存并评下一项" }).click();
  await expect(page).toHaveURL(new RegExp(`/score/${r}/t2$`));
  await expect(page.locator("h1")).toHaveText("(一)2");

  // Back to the list: one item scored, with its weighted score (90×.25 + 85×.25 + 80×.25 + 70×.1 + 95×.15 = 85).
  await page.goto(`/score/${r}`);
  await expect(page.locator(".progress-line")).toHaveText("已评完 1/44 项");
  const first = page.locator("table.sheets tr", { hasText: "(一)1" });
  await expect(first).toContainText("已评分");
  await expect(first).toContainText("85.0");
  await page.getByRole("button", { name: "提交全部评分" }).click();
  // Final, so it asks first and names what is unfinished.
  await expect(page.locator("h1")).toHaveText("确认提交评分");
  await expect(page.locator(".alert-error")).toContainText("还有 43 项没有评完");
  await page.getByRole("button", { name: "确认提交" }).click();
  await expect(page.locator(".alert-review").first()).toContainText("评分已提交");
  await expect(page.getByRole("button", { name: "提交全部评分" })).toHaveCount(0);
  // A submitted sheet reads as text and says why it cannot change.
  await page.goto(`/score/${r}/t1`);
  await expect(page.locator(".alert-review")).toContainText("评分已定稿，不能再修改");
  await expect(page.locator(".score-value").first()).toHaveText("90 分");
  await expect(page.locator("#s1")).toHaveCount(0);
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-sheet-final.png`, fullPage: true });

  // Before the count there is no figure, and the big screen shows turnout only.
  await page.goto(`/results/${r}`);
  await expect(page.locator(".alert-review")).toContainText("选票已密封保存");
  await page.goto(`/screen/${r}`);
  await expect(page.locator(".screen-count")).toContainText("/ 4");
  await expect(page.locator(".screen-wait")).toContainText("监票人计票后公布结果");

  // Two of the three tellers count (a trial: the page says one person held every key).
  round.count();

  // The task's results list this evaluator's line.
  await page.goto(`/results/${r}/tasks/1`);
  await expect(page.locator("h1")).toHaveText("(一)1");
  await expect(page.locator("table.results")).toContainText(login);
  await expect(page.locator(".evaluator-notes")).toContainText("月报按时报送");

  // The overview's charts are SVG with Chinese labels, and the same numbers in tables.
  await page.goto(`/results/${r}`);
  await expect(page.locator("h1")).toHaveText("测评结果");
  await expect(page.locator(".alert-error")).toContainText("试用轮次");
  const charts = page.locator("figure.chart img");
  expect(await charts.count()).toBeGreaterThanOrEqual(5);
  for (let i = 0; i < (await charts.count()); i++) {
    const src = await charts.nth(i).getAttribute("src");
    const res = await page.request.get(src!);
    expect(res.status(), src!).toBe(200);
    expect(res.headers()["content-type"]).toContain("image/svg+xml");
    const svg = await res.text();
    expect(svg).toContain("<title>");
    expect(svg).toMatch(/[\u4e00-\u9fff]/);
  }
  const levels = await page.request.get(`/results/${r}/charts/tasks-levels.svg`);
  expect(await levels.text()).toContain("基本满意");
  await expect(page.locator("table.results").first()).toContainText("(一)1");
  // On a phone every chart fits its box (nothing cut off on the right), and the level
  // distributions come in their phone layout (labels above the bars).
  const viewport = page.viewportSize()!;
  for (let i = 0; i < (await charts.count()); i++) {
    const img = charts.nth(i);
    await img.scrollIntoViewIfNeeded();
    const box = (await img.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, await img.getAttribute("src") ?? "").toBeLessThanOrEqual(viewport.width);
  }
  for (const name of ["tasks-levels", "units-ranked"]) {
    const img = page.locator(`figure.chart img[src$='${name}.svg']`);
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.currentSrc)).toContain("narrow=1");
  }
  await page.locator("figure.chart img[src$='tasks-ranked.svg']").screenshot({ path: `../target/e2e/shots/${info.project.name}-ranked-phone.png` });
  const chart = page.locator("figure.chart").nth(1);
  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-results.png` });
  await chart.screenshot({ path: `../target/e2e/shots/${info.project.name}-chart.png` });

  // The big screen, once counted: the results, for anyone.
  const res = await page.goto(`/screen/${r}`);
  expect(res?.status()).toBe(200);
  await expect(page.locator("h1")).toHaveText(`评估测试 ${info.project.name}`);
  await expect(page.locator(".screen-count")).toContainText("/ 4");
  await expect(page.locator("h2").first()).toHaveText("工作任务（按综合指数排名）");
  await expect(page.locator(".screen-pager")).toContainText("第 1 / 3 页");
  await expect(page.locator(".screen-table").first()).toContainText("(一)1");
  const ranked = await page.request.get(`/results/${r}/charts/units-ranked.svg`);
  expect(ranked.status()).toBe(200);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-screen.png` });
  // At the hall's 1920×1080 a whole page of results is on the screen, no scrolling: the last
  // row of each column ends above the bottom edge.
  await page.setViewportSize({ width: 1920, height: 1080 });
  for (const table of await page.locator(".screen-table").all()) {
    const box = await table.locator("tbody tr").last().boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(1080);
  }
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-screen-1080.png` });
});

test("a deputy's session opens no staff page", async ({ page }) => {
  await page.goto("/results/1");
  await expect(page).toHaveURL(/\/login\?next=\/results\/1$/);
  await page.goto("/score/1/t1");
  await expect(page).toHaveURL(/\/login\?next=\/score\/1\/t1$/);
});
