// The teller's page (/teller/{round}/{n}): this teller's key share, and later their part of
// the count, are made here, in this browser, by the WASM module built from crates/teller. The
// server is sent only what those functions return to post; the key file never leaves this
// computer except as the file the teller downloads.
import init, * as teller from "./ceping_teller.js";

const root = document.getElementById("teller");
const round = root.dataset.round;
const n = Number(root.dataset.teller);
const base = `/teller/${round}/${n}`;
const STEPS = 4;
const POLL_MS = 3000;

// The link's token travels after "#" (never sent to the server by the browser); it is kept for
// this tab only and taken off the address bar.
const tokenKey = `ceping-teller-token-${round}-${n}`;
if (location.hash.length > 1) {
  sessionStorage.setItem(tokenKey, decodeURIComponent(location.hash.slice(1)));
  history.replaceState(null, "", location.pathname);
}
const token = sessionStorage.getItem(tokenKey) || "";

// The key file while the ceremony is under way (and after a count, until downloaded again) is
// kept in this browser's storage, so that a closed tab does not lose a step; it is removed once
// the finished file has been downloaded, and once the round is counted. Which version was
// downloaded is kept as a hash only.
const fileKey = `ceping-teller-file-${round}-${n}`;
const savedKey = `ceping-teller-saved-${round}-${n}`;
let file = localStorage.getItem(fileKey) || sessionStorage.getItem(fileKey);
let savedHash = sessionStorage.getItem(savedKey) || "";
let pending = null; // the first step, posted once the file is downloaded
let bundle = null; // the sealed ballots downloaded for the count, until the teller confirms
let counting = false; // from the click on the count button until the shares are posted or not
let bundleClosing = ""; // the closing the downloaded ballots came after (x-ceping-closing)
let busy = false;
let latest = null;

const $ = (id) => document.getElementById(id);
const show = (id, on) => { $(id).hidden = !on; };
function say(text) { $("teller-status").textContent = text; show("teller-status", !!text); }
// A refusal of what the teller did stays until their next action; one of the board's polls
// until the next poll.
const errors = { action: "", poll: "" };
function showErrors() {
  const text = errors.action || errors.poll;
  $("teller-error").textContent = text;
  show("teller-error", !!text);
}
function fail(text) { errors.action = text; showErrors(); }
function pollFailed(text) { errors.poll = text; showErrors(); }
// The WASM functions return JSON in which the file is an object; it is kept as text.
const asText = (v) => (typeof v === "string" ? v : JSON.stringify(v));

async function digest(text) {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

let currentHash = "";
async function keepFile(text, { saved = false } = {}) {
  file = text;
  currentHash = await digest(text);
  const info = JSON.parse(text);
  const done = info.state && info.state.state === "done";
  if (saved) {
    savedHash = currentHash;
    sessionStorage.setItem(savedKey, savedHash);
  }
  if (done && saved) {
    localStorage.removeItem(fileKey);
    sessionStorage.setItem(fileKey, text);
  } else {
    localStorage.setItem(fileKey, text);
  }
}
const isSaved = () => !!file && currentHash !== "" && savedHash === currentHash;
function forgetStored() {
  localStorage.removeItem(fileKey);
}

async function post(path, fields) {
  const body = new URLSearchParams({ token, ...fields });
  const res = await fetch(base + path, { method: "POST", body });
  if (res.ok) return res;
  let message = `服务器拒绝了请求（${res.status}）。`;
  try { message = (await res.json()).error || message; } catch (_) { /* a page, not JSON */ }
  throw new Error(message);
}

async function getBoard() {
  const res = await fetch(base + "/board", { cache: "no-store" });
  if (!res.ok) {
    let message = `无法读取本轮监票人的数据（${res.status}）。`;
    try { message = (await res.json()).error || message; } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return res.json();
}

function download() {
  const blob = new Blob([file], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `ceping-round${round}-teller${n}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  return keepFile(file, { saved: true });
}

function waitingFor(b, mine) {
  return b.progress
    .map((steps, i) => [steps, i + 1])
    .filter(([steps, who]) => who !== n && steps < mine)
    .map(([, who]) => `第${who}位（${b.names[who - 1]}）`);
}

// One look at the board, and whatever this teller's file can do about it.
async function refresh() {
  if (busy) return;
  busy = true;
  try {
    pollFailed("");
    const b = await getBoard();
    latest = b;
    const boardJson = JSON.stringify(b.board);
    const mine = b.progress[n - 1];
    if (!token) {
      pollFailed("这个地址缺少监票人凭证：请使用办公室交给您本人的完整链接打开本页。");
    }
    show("teller-trial", b.solo);
    show("teller-file", true);
    if (b.round.counted) {
      // Nothing more to do with the key here: no copy stays in this browser's storage.
      forgetStored();
      say("本轮已经计票，结果已公布。");
      show("teller-count", true);
      $("count-state").innerHTML = "";
      const a = document.createElement("a");
      a.href = `/results/${round}`;
      a.textContent = "查看测评结果";
      $("count-state").appendChild(a);
      show("teller-count-go", false);
      return;
    }
    if (!file) {
      const canStart = mine === 0 && b.round.state === "draft";
      show("teller-start", canStart && !!token);
      $("file-state").textContent = canStart
        ? "您还没有生成密钥。点击下面的按钮，在本机浏览器中生成。"
        : "请载入您的密钥文件（生成密钥时下载的 .json 文件）。";
      say("");
      return;
    }
    show("teller-start", false);
    let d;
    try {
      d = JSON.parse(teller.describe(file, boardJson));
    } catch (e) {
      file = null;
      throw new Error(String(e));
    }
    if (d.index !== n - 1) {
      file = null;
      throw new Error(`这是第${d.index + 1}位监票人的密钥文件，不是您的。`);
    }
    $("file-state").textContent = d.done
      ? `密钥已完成。本轮联合公钥：${(d.joint_key || "").slice(0, 16)}…`
      : `密钥生成中：已完成 ${mine}/${STEPS} 步。`;
    show("teller-save", true);
    $("save-why").classList.toggle("alert-error", !isSaved());
    if (pending) {
      say("请先下载密钥文件（必须），然后本页会提交您的第一步。");
      return;
    }
    if (!d.done) {
      if (b.round.state !== "draft") {
        say("测评已开始，密钥生成已经停止。");
        return;
      }
      const out = JSON.parse(teller.step(file, boardJson));
      if (asText(out.file) !== JSON.stringify(JSON.parse(file))) {
        await keepFile(asText(out.file));
      }
      if (out.fingerprint) {
        $("fingerprint").textContent = out.fingerprint;
        show("teller-fingerprint", true);
        say("请与其他每位监票人核对校验码。");
        return;
      }
      show("teller-fingerprint", false);
      if (out.message) {
        await post("/step", { message: JSON.stringify(out.message) });
        busy = false;
        return refresh();
      }
      const others = waitingFor(b, mine);
      say(others.length
        ? `等待其他监票人：${others.join("、")}。本页会自动继续，请不要关闭。`
        : "等待其他监票人完成这一步。本页会自动继续，请不要关闭。");
      return;
    }
    show("teller-fingerprint", false);
    if (!isSaved()) {
      say("密钥已完成。请下载密钥文件并妥善保存：没有它，您不能参加计票。");
    } else if (b.round.state !== "closed") {
      say("您的密钥已完成并已保存。测评结束后，请回到本页，载入密钥文件开启计票。");
    }
    if (bundle && (b.round.state !== "closed" || String(b.closing ?? "") !== bundleClosing)) {
      // Reopened (or closed again) after this page downloaded the ballots: those may not be
      // the round's ballots any more. (While the download runs, its closing is not known yet;
      // a download after a reopening is refused, or carries the new closing.)
      dropSums();
    }
    if (b.round.state === "closed") {
      show("teller-count", true);
      const posted = b.shares_posted.length;
      if (bundle || counting) {
        // Waiting for the teller to compare what was summed; within the checking period the
        // shares wait for its end (the server refuses them before), and this page says so.
        $("teller-share").disabled = !!b.check_until;
        $("check-wait").textContent = b.check_until
          ? `核对期至${b.check_until}结束后才能提交计票份额（代表们正在核对自己的选票是否在列）。到时本页的提交按钮会自动可用。`
          : "";
        show("check-wait", !!b.check_until);
      } else if (b.check_until && !b.shares_posted.includes(n - 1)) {
        // The checking period: deputies look for their tracking codes before anything is
        // decrypted. The teller may sum and compare now; the shares wait for its end.
        $("count-state").textContent =
          `测评已结束，核对期至${b.check_until}结束：代表们正在核对页面查看自己的选票是否在列。您现在可以下载全部密封选票在本机汇总并核对，核对期结束后才能提交计票份额。`;
        show("teller-count-go", true);
        if (isSaved()) say("");
      } else if (b.shares_posted.includes(n - 1)) {
        $("count-state").textContent =
          `您已提交计票份额。已有 ${posted}/${b.threshold} 位监票人提交，够数后结果自动公布。`;
        show("teller-count-go", false);
        if (isSaved()) say("");
      } else {
        $("count-state").textContent =
          `测评已结束。已有 ${posted}/${b.threshold} 位监票人提交计票份额。本页会下载全部密封选票，在本机自行求和，再用您的密钥算出计票份额。`;
        show("teller-count-go", true);
        if (isSaved()) say("");
      }
    }
  } catch (e) {
    pollFailed(e.message || String(e));
  } finally {
    busy = false;
  }
}

async function start() {
  fail("");
  try {
    const out = JSON.parse(teller.start(JSON.stringify(latest.board), n - 1));
    await keepFile(asText(out.file));
    pending = out.message;
    show("teller-start", false);
    $("file-state").textContent = "密钥已在本机生成，还没有提交第一步。";
    show("teller-save", true);
    say("密钥已在本机生成。请先下载密钥文件（必须），然后本页会提交您的第一步。");
  } catch (e) {
    fail(e.message || String(e));
  }
}

async function saveThenGo() {
  await download();
  if (pending) {
    try {
      await post("/step", { message: JSON.stringify(pending) });
      pending = null;
    } catch (e) {
      fail(e.message || String(e));
      return;
    }
  }
  refresh();
}

async function confirm() {
  fail("");
  try {
    const fingerprint = $("fingerprint").textContent;
    await keepFile(teller.confirm(file, JSON.stringify(latest.board), fingerprint));
    show("teller-fingerprint", false);
    refresh();
  } catch (e) {
    fail(e.message || String(e));
  }
}

// The count, in two steps: the page downloads and sums the sealed ballots and shows how many
// and their list's fingerprint; only once the teller has compared them (with the turnout the
// office announced, the fingerprint on /track/{round}, and the other tellers) does it make and
// post the shares.
async function count() {
  fail("");
  counting = true;
  show("teller-count-go", false);
  try {
    say("正在下载全部密封选票……");
    const res = await post("/ballots", {});
    // The closing these ballots came after: sent back with the share, which the server refuses
    // if the round has closed again since.
    bundleClosing = res.headers.get("x-ceping-closing") || "";
    const bytes = new Uint8Array(await res.arrayBuffer());
    say("正在本机汇总选票……");
    await new Promise((r) => setTimeout(r, 30));
    const seen = JSON.parse(teller.inspect(file, bytes));
    bundle = bytes;
    $("check-ballots").textContent = String(seen.ballots);
    $("check-list").textContent = seen.list;
    const track = $("check-track");
    track.href = `/track/${round}`;
    show("teller-check", true);
    say(`本机汇总了 ${seen.ballots} 张密封选票。请核对后再提交计票份额。`);
  } catch (e) {
    counting = false;
    fail(e.message || String(e));
    show("teller-count-go", true);
  }
}

async function share() {
  fail("");
  // Read the board afresh: the shares are made only on ballots of the round's last closing,
  // once its checking period is over (a tab left in the background may have missed both).
  let fresh;
  try {
    fresh = await getBoard();
  } catch (e) {
    fail(e.message || String(e));
    return;
  }
  latest = fresh;
  if (fresh.round.state !== "closed" || String(fresh.closing ?? "") !== bundleClosing) {
    dropSums();
    return;
  }
  if (fresh.check_until) {
    fail(`核对期至${fresh.check_until}结束后才能提交计票份额。`);
    return;
  }
  show("teller-check", false);
  const bytes = bundle;
  bundle = null;
  try {
    say("正在用您的密钥计算计票份额……");
    await new Promise((r) => setTimeout(r, 30));
    const out = JSON.parse(teller.count(file, bytes));
    // The file now remembers these sums: kept (and to be downloaded again) before posting.
    await keepFile(asText(out.file));
    say(`已在本机对 ${out.ballots} 张选票求和，正在提交计票份额……`);
    const done = await (await post("/share", {
      share: JSON.stringify(out.share),
      closing: bundleClosing,
    })).json();
    say(done.counted
      ? `计票已开启：${done.ballots} 张选票。请下载更新后的密钥文件（它记下了这次计票）。`
      : `计票份额已提交（${done.posted.length}/${done.needed}）。请下载更新后的密钥文件（它记下了这次计票）。`);
    $("count-state").textContent = done.counted
      ? "计票已开启，结果已公布。"
      : `您已提交计票份额。已有 ${done.posted.length}/${done.needed} 位监票人提交，够数后结果自动公布。`;
  } catch (e) {
    fail(e.message || String(e));
  }
  counting = false;
  setTimeout(refresh, 300);
}

// Sums made on ballots the round has changed since are thrown away before any share is made.
function dropSums() {
  bundle = null;
  counting = false;
  show("teller-check", false);
  fail("测评在本页汇总选票后又重新开启或结束，本页汇总的选票作废。测评结束后，请重新汇总。");
}

function doNotShare() {
  bundle = null;
  counting = false;
  show("teller-check", false);
  fail("您没有提交计票份额。请告知办公室和其他监票人：监票人页面汇总的选票与公布的不一致。");
  show("teller-count-go", true);
}

async function load(event) {
  const chosen = event.target.files && event.target.files[0];
  if (!chosen) return;
  fail("");
  try {
    let text = await chosen.text();
    const d = JSON.parse(teller.describe(text, latest ? JSON.stringify(latest.board) : ""));
    if (d.index !== n - 1) {
      throw new Error(`这是第${d.index + 1}位监票人的密钥文件，不是您的。`);
    }
    // A file without the memory of a count this browser already made (an older copy, or the
    // paper backup) gets that memory back: a teller opens one count, never a second of other
    // ballots. A file that remembers another count than this browser is refused.
    const chosenJson = JSON.parse(text);
    const stored = file ? JSON.parse(file) : null;
    if (stored && stored.decrypted && stored.context === chosenJson.context) {
      if (!chosenJson.decrypted) {
        chosenJson.decrypted = stored.decrypted;
        text = JSON.stringify(chosenJson);
      } else if (chosenJson.decrypted !== stored.decrypted) {
        throw new Error("这个密钥文件记下的计票与本机记下的不同。请不要再提交，并告知办公室和其他监票人。");
      }
    }
    await keepFile(text, { saved: text === (await chosen.text()) });
    refresh();
  } catch (e) {
    fail(e.message || String(e));
  }
  event.target.value = "";
}

await init();
$("teller-nojs").remove();
$("teller-start").addEventListener("click", start);
$("teller-download").addEventListener("click", saveThenGo);
// The paper backup holds the secret: its text is put in only for printing, and taken out after.
$("teller-print").addEventListener("click", () => {
  $("paper-text").textContent = JSON.stringify(JSON.parse(file), null, 1);
  window.print();
});
window.addEventListener("afterprint", () => { $("paper-text").textContent = ""; });
$("teller-share").addEventListener("click", share);
$("teller-dont").addEventListener("click", doNotShare);
$("teller-confirm").addEventListener("click", confirm);
$("teller-count-go").addEventListener("click", count);
$("teller-load").addEventListener("change", load);
if (file) currentHash = await digest(file);
await refresh();
setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
// A tab brought back to the front looks at once (it was not polling while hidden).
document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
