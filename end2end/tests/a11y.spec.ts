import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { codeFor } from "./codes";
import { signInOffice } from "./staff";

test.beforeEach(({}, info) => {
  test.skip(info.project.name !== "phone-js", "axe-core runs as a script in the page");
});

/** Runs axe-core (WCAG 2.x A and AA: contrast, names, labels, target sizes …) on the page and
 *  fails with every violation named, the elements included. */
async function check(page: Page, what: string) {
  // axe runs as a script in the page: only where scripts run. The markup and styles it
  // checks are the same with JavaScript off.
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(0, 2).join(" ")}`).join("\n")}`,
  );
  expect(found, `${what}:\n${found.join("\n")}`).toEqual([]);
}

test("the ballot, its review and the confirmation pass the accessibility check", async ({ page }, info) => {
  const code = codeFor(8, info.project.name);
  await page.goto(`/v/${code}`);
  if (info.project.name === "phone-js") await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.locator("fieldset.item").first().locator("label.level").first().click();
  await check(page, "the ballot");
  await page.getByRole("button", { name: "检查并提交" }).click();
  await check(page, "the review");
  await page.getByRole("button", { name: "确认提交" }).first().click();
  await expect(page.locator("h1")).toHaveText("测评已提交");
  await check(page, "the confirmation");
  await page.goto("/v");
  await check(page, "typing a code");
});

test("the public plan pages and the results page pass the accessibility check", async ({ page }) => {
  for (const path of ["/", "/plans/1", "/plans/1/tasks", "/plans/1/units", "/plans/1/group", "/results/1"]) {
    await page.goto(path);
    await check(page, path);
  }
});

test("the office's desk and round page pass the accessibility check", async ({ page }) => {
  await signInOffice(page, "/desk");
  await check(page, "/desk");
  await page.goto("/desk/rounds/1");
  await check(page, "/desk/rounds/1");
  await page.goto("/desk/rounds/1/invitations");
  await check(page, "/desk/rounds/1/invitations");
});
