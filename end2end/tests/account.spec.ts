import { expect, test } from "@playwright/test";

test("the desk asks for a sign-in, and a wrong one is refused", async ({ page }, info) => {
  // The desk needs a session: the browser is sent to the sign-in page.
  await page.goto("/desk");
  await expect(page).toHaveURL(/\/login\?next=\/desk$/);
  await expect(page.locator("h1")).toHaveText("工作人员登录");

  // An unknown login (a wrong password on "office" would make the next test wait).
  await page.locator("#login").fill("nobody");
  await page.locator("#password").fill("wrong password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.locator(".alert-error")).toContainText("账号或密码不正确");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-login.png` });
});

test("the office signs in, sees the rounds with turnout, and signs out", async ({ page }, info) => {
  await page.goto("/login?next=/desk");
  await page.locator("#login").fill("office");
  await page.locator("#password").fill("e2e-office-secret");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/desk$/);
  await expect(page.locator("h1")).toHaveText("工作台");
  await expect(page.locator("table.rounds")).toContainText("2020年度满意度测评");
  await expect(page.locator("table.rounds thead")).toContainText("已投/邀请");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-desk.png` });
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/desk");
  await expect(page).toHaveURL(/\/login/);
});
