import { expect, test } from "@playwright/test";

const hasJs = (name: string) => name === "phone-js";

test("plan → task → unit, as a deputy would browse it", async ({ page }, info) => {
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  await expect(page.locator("h1")).toHaveText("市十四届人大五次会议3号议案办理工作方案");
  await expect(page.locator(".proposal")).toContainText("关于加快生物医药产业集群建设");
  await expect(page.locator(".stats")).toContainText("14项任务");
  await expect(page.locator(".stats")).toContainText("30个成员单位");
  // The four phases with their 2020 dates, and where today falls.
  const phases = page.locator(".phases > li");
  await expect(phases).toHaveCount(4);
  await expect(phases.nth(1)).toContainText("推进办理");
  await expect(phases.nth(1)).toContainText("2020年5月1日—7月31日");
  await expect(page.locator(".timeline .today")).toHaveCount(1);
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-plan.png`, fullPage: true });

  await page.getByRole("link", { name: "任务", exact: true }).click();
  await expect(page.locator("h1")).toContainText("工作任务");
  await expect(page.locator(".task-card")).toHaveCount(14);
  await expect(page.locator(".section > h2")).toHaveText([
    "(一)推进规划布局落地,加快新旧动能转换",
    "(二)发挥产学研优势,加速产业融合发展",
    "(三)落实产业政策,强化高质量发展支撑",
  ]);
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-tasks.png` });

  await page.locator(".task-card").first().locator("h3 a").click();
  await expect(page.locator("h1 .task-no")).toHaveText("(一)1");
  const units = page.locator(".card .task-units").first();
  await expect(units.locator("dd").first()).toHaveText("市自然资源和规划局");
  await expect(units.locator("dd").nth(1)).toContainText("武汉东湖新技术开发区管委会");
  await expect(units.locator("dd").nth(1)).toContainText("硚口区人民政府");

  await units.getByRole("link", { name: "市自然资源和规划局" }).click();
  await expect(page.locator("h1")).toHaveText("市自然资源和规划局");
  await expect(page.locator(".unit-tasks")).toContainText("(一)1");
  await expect(page.locator(".card").last()).toContainText("周强");
  // The unit's tasks wrap inside the card: nothing runs off a 360 px screen.
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll).toBeLessThanOrEqual(width);
  const card = (await page.locator(".unit-tasks").boundingBox())!;
  for (const link of await page.locator(".unit-tasks a").all()) {
    const box = (await link.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width + 1);
  }
});

test("a collective shows the units it stands for", async ({ page }) => {
  await page.goto("/plans/1/tasks");
  await page.locator(".task-card").nth(1).locator("h3 a").click();
  await expect(page.locator("h1 .task-no")).toHaveText("(一)2");
  await page.getByRole("link", { name: "各区人民政府" }).first().click();
  await expect(page.locator("h1")).toHaveText("各区人民政府");
  await expect(page.locator(".chips a")).toHaveCount(15);
  // Each chip a 44 px tap target, its name on one line at 360 px.
  for (const chip of await page.locator(".chips a").all()) {
    const box = (await chip.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.height).toBeLessThan(60);
  }
  await page.screenshot({ path: `../target/e2e/shots/${test.info().project.name}-collective.png` });
});

test("the units page lists the 30 member units; with JavaScript it filters", async ({ page }, info) => {
  await page.goto("/plans/1/units");
  const items = page.locator(".unit-item");
  await expect(items).toHaveCount(31); // 30 member units + the collective 各区人民政府
  const filter = page.locator(".filter");
  if (hasJs(info.project.name)) {
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
    await expect(filter).toBeVisible();
    await page.locator("#unit-filter").fill("江夏");
    await expect(page.locator(".unit-item:visible")).toHaveCount(1);
    await expect(page.locator(".unit-item:visible")).toContainText("江夏区人民政府");
    await page.locator("#unit-filter").fill("东西湖");
    await expect(page.locator(".unit-item:visible")).toContainText("武汉临空港经济技术开发区管委会");
  } else {
    await expect(filter).toBeHidden();
    await expect(page.locator(".unit-item:visible")).toHaveCount(31);
  }
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-units.png`, fullPage: true });
});

test("the leading group has 33 members", async ({ page }) => {
  await page.goto("/plans/1/group");
  await expect(page.locator("table.roster tbody tr")).toHaveCount(33);
  await expect(page.locator(".lead-in")).toContainText("市经济和信息化局");
});

test("unknown pages and ids get a real 404 page", async ({ page }) => {
  for (const path of ["/tasks/9999", "/units/0", "/tasks/abc", "/plans/77", "/no-such-page"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.locator("h1"), path).toHaveText("页面不存在");
  }
});
