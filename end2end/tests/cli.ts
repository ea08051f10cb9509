import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** The database the e2e server runs on (see playwright.config.ts). */
const DB = "../target/e2e/db/ceping.db";

/** The e2e server's address, which the codes' links start with (told, not defaulted). */
const BASE_URL = `http://127.0.0.1:${process.env.CEPING_E2E_PORT ?? 3100}`;

/** Runs `ceping` on the e2e database, as the office or a teller would; its output. */
export function ceping(...args: string[]): string {
  return execFileSync("../target/release/ceping", args, {
    env: { ...process.env, CEPING_DB: DB, CEPING_BASE_URL: BASE_URL },
    encoding: "utf8",
  });
}

/**
 * A new open trial round with `n` invitation codes: its id, its codes and a function that
 * closes it and has two of its three tellers count it.
 */
export function trialRound(name: string, n: number): { id: string; codes: string[]; count: () => void } {
  const id = ceping("round", "create", "--name", name).match(/created round (\d+)/)![1];
  const keys = `../target/e2e/db/keys-${id}`;
  ceping("tellers", "keygen", "--round", id, "--solo", "--out-dir", keys);
  const out = `../target/e2e/db/codes-${id}.csv`;
  ceping("invite", "--round", id, "--count", String(n), "--out", out);
  ceping("round", "open", id);
  const codes = readFileSync(out, "utf8")
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",")[0]);
  const count = () => {
    ceping("round", "close", id);
    ceping("round", "count", id, "--key", `${keys}/teller-1.json`, "--key", `${keys}/teller-3.json`);
  };
  return { id, codes, count };
}
