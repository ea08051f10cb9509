import { expect, test } from "@playwright/test";
import { signInOffice } from "./staff";

test("the desk asks for a sign-in, and a wrong one is refused", async ({ page }, info) => {
  // The desk needs a session: the browser is sent to the sign-in page.
  await page.goto("/desk");
  await expect(page).toHaveURL(/\/login\?next=\/desk$/);
  await expect(page.locator("h1")).toHaveText("工作人员登录");

  // An unknown login (a wrong password on "office" would make the next test wait; and each
  // project its own, since unknown logins wait after a failure exactly as known ones do).
  await page.locator("#login").fill(`nobody-${info.project.name}`);
  await page.locator("#password").fill("wrong password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.locator(".alert-error")).toContainText("账号或密码不正确");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-login.png` });
});

test("the office signs in, sees the rounds with turnout, and signs out", async ({ page }, info) => {
  // A sign-in of its own each time: password, then the one-time code (or the set-up).
  await signInOffice(page, "/desk", true);
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

test("the office makes an account; its holder must choose a password, then sees their sessions", async ({ page, browser }, info) => {
  const login = `expert-${info.project.name}`;
  await signInOffice(page, "/desk/accounts");
  await expect(page).toHaveURL(/\/desk\/accounts$/);
  await expect(page.locator("h1")).toHaveText("账号管理");
  await page.locator("#new-login").fill(login);
  await page.locator("#new-role").selectOption("evaluator");
  await page.locator("#new-password").fill("first-password-e2e");
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page.locator(".alert-review")).toContainText(`已新建账号“${login}”`);
  await expect(page.locator(`li[data-login="${login}"]`)).toContainText("待本人修改密码");
  await page.screenshot({ path: `../target/e2e/shots/${info.project.name}-accounts.png`, fullPage: true });

  // The holder, in their own browser.
  const theirs = await browser.newContext({
    baseURL: info.project.use.baseURL,
    viewport: { width: 360, height: 740 },
    isMobile: true,
    javaScriptEnabled: info.project.use.javaScriptEnabled !== false,
  });
  const holder = await theirs.newPage();
  await holder.goto("/login?next=/desk");
  await holder.locator("#login").fill(login);
  await holder.locator("#password").fill("first-password-e2e");
  await holder.getByRole("button", { name: "登录" }).click();
  await expect(holder).toHaveURL(/\/account\?must=1$/);
  await expect(holder.locator(".alert-review")).toContainText("请先设置新密码");
  await holder.locator("#current").fill("first-password-e2e");
  await holder.locator("#new").fill("my-own-password-e2e");
  await holder.locator("#confirm").fill("my-own-password-e2e");
  await holder.getByRole("button", { name: "保存新密码" }).click();
  await expect(holder.locator(".alert-review")).toContainText("密码已修改");
  await expect(holder.locator("table.results tbody tr")).toHaveCount(1);
  await expect(holder.locator("table.results")).toContainText("本次会话");
  await holder.screenshot({ path: `../target/e2e/shots/${info.project.name}-own-account.png`, fullPage: true });
  await holder.goto("/desk");
  await expect(holder.locator("h1")).toHaveText("工作台");
  await theirs.close();

  // The office sees it active now, and can disable it.
  await page.goto("/desk/accounts");
  await expect(page.locator(`li[data-login="${login}"]`)).toContainText("正常");
  await page.locator(`li[data-login="${login}"]`).getByRole("button", { name: "停用" }).click();
  await expect(page.locator(".alert-review")).toContainText(`已停用账号“${login}”`);
});
