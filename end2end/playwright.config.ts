import { defineConfig } from "@playwright/test";

// The release server on a throw-away database; the seed plan is imported on its first start.
const port = Number(process.env.CEPING_E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1, // 2-core machines: the server needs the other core
  retries: 0,
  reporter: [["list"]],
  outputDir: "../target/e2e/results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    launchOptions: {
      // Debian's Chromium; Playwright downloads no browser here.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "phone-js", use: { javaScriptEnabled: true } },
    { name: "phone-nojs", use: { javaScriptEnabled: false } },
  ],
  webServer: {
    // A fresh database: the seed plan, an open round (a trial: one person made every teller's
    // key) and invitation codes (tests/codes.ts reads them), then the server. Tests that need a
    // counted round make their own with the command line (tests/cli.ts).
    command: [
      "rm -rf ../target/e2e/db",
      `export CEPING_DB=../target/e2e/db/ceping.db`,
      "../target/release/ceping plan import ../seed/wuhan-2020-proposal-3.txt 2>/dev/null",
      "../target/release/ceping round create --name 2020年度满意度测评 --closes 2099-12-31T18:00:00+08:00",
      "../target/release/ceping tellers keygen --round 1 --solo --out-dir ../target/e2e/db/keys-1 >/dev/null",
      `../target/release/ceping invite --round 1 --count 20 --out ../target/e2e/db/codes.csv --base-url http://127.0.0.1:${port}`,
      "../target/release/ceping round open 1",
      "echo e2e-office-secret | ../target/release/ceping user add --role office --login office",
      // One evaluator per project, so each can submit its own sheets.
      "echo e2e-evaluator-secret | ../target/release/ceping user add --role evaluator --login eval-phone-js",
      "echo e2e-evaluator-secret | ../target/release/ceping user add --role evaluator --login eval-phone-nojs",
      `../target/release/ceping serve --addr 127.0.0.1:${port} --site-root ../target/site`,
    ].join(" && "),
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
