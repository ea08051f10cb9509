import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The invitation codes made for the e2e round (see playwright.config.ts). */
export function codes(): string[] {
  const csv = readFileSync(join(__dirname, "../../target/e2e/db/codes.csv"), "utf8");
  return csv
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",")[0]);
}

/** A different code for each test and project, so tests never share a ballot. */
export function codeFor(slot: number, project: string): string {
  const offset = project === "phone-js" ? 0 : 10;
  return codes()[offset + slot];
}
