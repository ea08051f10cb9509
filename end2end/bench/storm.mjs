// Sign-in storms and slow clients against a running server (scripts/bench-signin.sh starts it).
// Prints one JSON line per phase: the ballot page's latency (p50/p99, ms), the server's memory
// (peak RSS, MiB, sampled every 20 ms from /proc) and open files; never asserts.
// Usage: node storm.mjs BASE BALLOT_PATH SERVER_PID [attempts=500] [slow=1000] [slow_secs=20]
import net from "node:net";
import { readFileSync, readdirSync } from "node:fs";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

// The ballot page is timed from a thread of its own, so that the attackers' 500 answers
// arriving on the main thread's event loop do not delay the timing of the deputy's.
if (!isMainThread) {
  const { base, ballot } = workerData;
  let stop = false;
  parentPort.on("message", (m) => { if (m === "stop") stop = true; });
  const lat = [];
  while (!stop) {
    const t = performance.now();
    const res = await fetch(base + ballot);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`ballot page: ${res.status}`);
    lat.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
  }
  parentPort.postMessage(lat);
  process.exit(0);
}

const [base, ballot, pid, attempts = "500", slowCount = "1000", slowSecs = "20"] = process.argv.slice(2);
const url = new URL(base);

const rssMiB = () => {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : 0;
};
const openFiles = () => readdirSync(`/proc/${pid}/fd`).length;
const pct = (v, p) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((s.length * p) / 100) - 1)];
};

/** Loads the ballot page over and over, from its own thread, until `until()` says stop (and
 * for at least `minMs`); the latencies. */
async function ballots(until, minMs = 1000) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { base, ballot } });
  const started = Date.now();
  while (!until() || Date.now() - started < minMs) await new Promise((r) => setTimeout(r, 10));
  const lat = new Promise((r) => worker.once("message", r));
  worker.postMessage("stop");
  return lat;
}

/** Samples memory and open files while `work` runs. */
async function sampled(work) {
  let peak = rssMiB(), files = openFiles();
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB());
    files = Math.max(files, openFiles());
  }, 20);
  try {
    const result = await work();
    return { ...result, peak_rss_mib: +peak.toFixed(1), peak_open_files: files };
  } finally {
    clearInterval(timer);
  }
}

const summary = (v) => ({ ballot_p50_ms: +pct(v, 50).toFixed(1), ballot_p99_ms: +pct(v, 99).toFixed(1), ballot_loads: v.length });

function signIn(login, i) {
  return fetch(base + "/login", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: base,
      "x-forwarded-for": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    },
    body: `login=${encodeURIComponent(login)}&password=wrong-password-${i}`,
    redirect: "manual",
  }).then(async (r) => { await r.arrayBuffer(); return r.status; }, () => 0);
}

async function storm(name, loginOf) {
  return sampled(async () => {
    const t = performance.now();
    let done = false;
    const all = Promise.all(Array.from({ length: Number(attempts) }, (_, i) => signIn(loginOf(i), i))).then((s) => { done = true; return s; });
    const lat = await ballots(() => done);
    const statuses = {};
    for (const s of await all) statuses[s] = (statuses[s] ?? 0) + 1;
    return { phase: name, attempts: Number(attempts), seconds: +((performance.now() - t) / 1000).toFixed(2), statuses, ...summary(lat) };
  });
}

/** `n` clients that send half a request's headers and never finish; each reconnects when
 * the server cuts it off, for `secs` seconds. */
async function slowClients(n, secs) {
  return sampled(async () => {
    const end = Date.now() + secs * 1000;
    let cut = 0, opened = 0;
    const sockets = new Set();
    const open = () => {
      if (Date.now() >= end) return;
      const s = net.connect(Number(url.port), url.hostname, () => {
        s.write(`GET ${ballot} HTTP/1.1\r\nHost: ${url.host}\r\nX-Slow: `);
      });
      opened++;
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => { sockets.delete(s); if (Date.now() < end) cut++; open(); });
    };
    for (let i = 0; i < n; i++) open();
    await new Promise((r) => setTimeout(r, 1000));
    const lat = await ballots(() => Date.now() >= end);
    for (const s of sockets) s.destroy();
    return { phase: `${n} slow clients for ${secs} s`, connections_opened: opened, cut_by_server: cut, ...summary(lat) };
  });
}

// Idle: the same prober, for 3 s, with nothing else going on.
const idle = await sampled(async () => {
  const lat = await ballots(() => true, 3000);
  return { phase: "idle", ...summary(lat) };
});
console.log(JSON.stringify(idle));
console.log(JSON.stringify(await storm("wrong sign-ins, each on another login and address", (i) => `guess${i}`)));
console.log(JSON.stringify(await storm("wrong sign-ins, all on one account", () => "bench-office")));
console.log(JSON.stringify(await slowClients(Number(slowCount), Number(slowSecs))));
