//! A hall of deputies voting at once, against a running Ceping.
//!
//! Each simulated phone opens its code link (`GET /v/CODE`, the ballot page), then submits a
//! complete ballot (every item rated) as the page's form would. Prints throughput, latency
//! percentiles and errors. With `--db` and `--round` it then checks the database: the stored
//! ballots must equal the acknowledged ones, and the running tallies must equal a recount of the
//! stored choices.
//!
//! Two ways to play the hall:
//! - closed loop (default): `--concurrency` phones vote back to back, each starting its next
//!   ballot as soon as the last one is acknowledged. This finds the most ballots per second the
//!   server takes; latency then grows with the queue (Little's law: concurrency / throughput).
//! - open loop (`--rate R`): deputies arrive at R per second, whatever the server does, with at
//!   most `--concurrency` of them connected at once. Each deputy's time is counted from the
//!   moment they were due to start, so a server that falls behind shows it in the latency
//!   instead of slowing the arrivals down (no "coordinated omission").
//!
//! ```sh
//! scripts/bench-ballots.sh            # sets up a round and codes, starts the server, runs this
//! cargo run --release --features ssr --example hall -- \
//!     --base http://127.0.0.1:3000 --codes codes.csv --concurrency 500 --rate 1000 \
//!     --db data/ceping.db --round 1
//! ```

use clap::Parser;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// The server's address.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    base: String,
    /// CSV made by `ceping invite` (the first column is the code).
    #[arg(long)]
    codes: PathBuf,
    /// Phones voting at the same moment (in the open loop: most deputies connected at once).
    #[arg(long, default_value_t = 200)]
    concurrency: usize,
    /// Open loop: deputies start at this many per second (see the module documentation).
    #[arg(long)]
    rate: Option<f64>,
    /// Append the figures as one JSON object per line to this file (for scripts/benchmarks.sh).
    #[arg(long)]
    json: Option<PathBuf>,
    /// The server's database, to check what was stored after the run.
    #[arg(long)]
    db: Option<PathBuf>,
    /// The round the codes belong to (with --db).
    #[arg(long)]
    round: Option<i64>,
    /// Write every acknowledged code to this file, one per line (for scripts/crash-test.sh).
    #[arg(long)]
    acked: Option<PathBuf>,
}

#[derive(Default)]
struct Phone {
    page: Vec<Duration>,
    submit: Vec<Duration>,
    /// Due start to acknowledgement: the deputy's whole wait, queueing included.
    ballot: Vec<Duration>,
    acknowledged: usize,
    /// Posts sent again after a transport error.
    resent: usize,
    acked: Vec<String>,
    errors: Vec<String>,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Prints one line of percentiles and returns them (ms) for the JSON line.
fn summary(name: &str, mut v: Vec<Duration>) -> serde_json::Value {
    v.sort();
    println!(
        "{name:<16} n={:<6} p50={:>7.1} ms  p95={:>7.1} ms  p99={:>7.1} ms  max={:>7.1} ms",
        v.len(),
        percentile(&v, 0.50),
        percentile(&v, 0.95),
        percentile(&v, 0.99),
        percentile(&v, 1.0)
    );
    serde_json::json!({
        "n": v.len(),
        "p50_ms": percentile(&v, 0.50),
        "p95_ms": percentile(&v, 0.95),
        "p99_ms": percentile(&v, 0.99),
        "max_ms": percentile(&v, 1.0),
    })
}

/// The form's idempotency key and its rating fields, read off the ballot page.
fn read_form(html: &str) -> Option<(String, Vec<String>, Vec<String>)> {
    let idem_at = html.find("name=\"idem\" value=\"")? + 19;
    let idem = html[idem_at..].split('"').next()?.to_string();
    let mut fields = Vec::new();
    let mut levels = Vec::new();
    for part in html.split("type=\"radio\" name=\"").skip(1) {
        let name = part.split('"').next()?.to_string();
        let value_at = part.find("value=\"")? + 7;
        let value = part[value_at..].split('"').next()?.to_string();
        // The "清除选择" radio (value "") is no level.
        if !value.is_empty() && !levels.contains(&value) {
            levels.push(value);
        }
        if !fields.contains(&name) {
            fields.push(name);
        }
    }
    Some((idem, fields, levels))
}

async fn vote(
    client: &reqwest::Client,
    base: &str,
    code: &str,
    phone: &mut Phone,
    n: usize,
    due: Instant,
) {
    let url = format!("{base}/v/{code}");
    let t0 = Instant::now();
    let page = match client.get(&url).send().await {
        Ok(r) if r.status().is_success() => r.text().await.unwrap_or_default(),
        Ok(r) => return phone.errors.push(format!("GET {}", r.status())),
        Err(e) => return phone.errors.push(format!("GET {e}")),
    };
    phone.page.push(t0.elapsed());
    let Some((idem, fields, levels)) = read_form(&page) else {
        return phone.errors.push("the ballot page has no form".into());
    };
    let mut body = format!("idem={idem}&action=submit");
    for (i, field) in fields.iter().enumerate() {
        body.push_str(&format!("&{field}={}", levels[(i + n) % levels.len()]));
    }
    let t1 = Instant::now();
    // A phone whose post is lost on the way (a dropped connection) sends the same form again,
    // as a deputy pressing 提交 once more would: the idempotency key gets the first answer.
    let mut res = None;
    for _ in 0..3 {
        let sent = client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await;
        let failed = sent.is_err();
        res = Some(sent);
        if !failed {
            break;
        }
        phone.resent += 1;
    }
    let Some(res) = res else { return };
    match res {
        // A cast ballot is answered `303 See Other` to its confirmation page (which a phone then
        // loads; the load generator measures the cast, up to that answer).
        Ok(r) if r.status() == reqwest::StatusCode::SEE_OTHER => {
            let to_done = r
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.ends_with("/done"));
            if to_done {
                phone.submit.push(t1.elapsed());
                phone.ballot.push(due.elapsed());
                phone.acknowledged += 1;
                phone.acked.push(code.to_string());
            } else {
                phone
                    .errors
                    .push("303 elsewhere than the confirmation".into());
            }
        }
        Ok(r) => phone.errors.push(format!("POST {}", r.status())),
        Err(e) => phone.errors.push(format!("POST {e}")),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let text = std::fs::read_to_string(&args.codes)?;
    let codes: Arc<Vec<String>> = Arc::new(
        text.trim_start_matches('\u{feff}')
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next().map(str::to_string))
            .filter(|c| !c.is_empty())
            .collect(),
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()?;
    match args.rate {
        None => println!(
            "closed loop: {} phones, {} at a time, against {}",
            codes.len(),
            args.concurrency,
            args.base
        ),
        Some(rate) => println!(
            "open loop: {} deputies arriving at {rate} per second, at most {} at once, against {}",
            codes.len(),
            args.concurrency,
            args.base
        ),
    }
    let started = Instant::now();
    let phones = match args.rate {
        None => closed_loop(&client, &args, codes.clone()).await?,
        Some(rate) => open_loop(&client, &args, codes.clone(), rate, started).await?,
    };
    let mut all = Phone::default();
    for p in phones {
        all.page.extend(p.page);
        all.submit.extend(p.submit);
        all.ballot.extend(p.ballot);
        all.acknowledged += p.acknowledged;
        all.resent += p.resent;
        all.acked.extend(p.acked);
        all.errors.extend(p.errors);
    }
    let wall = started.elapsed().as_secs_f64();
    let throughput = all.acknowledged as f64 / wall;
    println!("wall time        {wall:.2} s");
    println!(
        "throughput       {throughput:.0} complete ballots/s (page load + submit, end to end)"
    );
    let page = summary("ballot page GET", all.page);
    let submit = summary("submit POST", all.submit);
    let ballot = summary("whole ballot", all.ballot);
    println!("acknowledged     {}", all.acknowledged);
    println!("errors           {}", all.errors.len());
    println!("posts sent again {} (after a transport error)", all.resent);
    for e in all.errors.iter().take(5) {
        println!("  {e}");
    }

    let mut figures = serde_json::json!({
        "mode": if args.rate.is_some() { "open" } else { "closed" },
        "rate": args.rate,
        "concurrency": args.concurrency,
        "deputies": codes.len(),
        "wall_s": wall,
        "throughput": throughput,
        "page": page,
        "submit": submit,
        "ballot": ballot,
        "acknowledged": all.acknowledged,
        "errors": all.errors.len(),
        "resent": all.resent,
    });

    if let Some(path) = &args.acked {
        std::fs::write(path, all.acked.join("\n") + "\n")?;
    }

    if let (Some(db), Some(round)) = (&args.db, args.round) {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display())).await?;
        let audit = ceping::server::repo::round::audit(&pool, round).await?;
        println!(
            "stored ballots   {} (turnout counter {}, used codes {})",
            audit.ballots, audit.turnout, audit.used_codes
        );
        println!("tally mismatches {}", audit.tally_mismatches);
        let same = audit.ballots as usize == all.acknowledged && audit.consistent();
        println!(
            "check            {}",
            if same {
                "stored = acknowledged; tallies = recount"
            } else {
                "MISMATCH"
            }
        );
        figures["stored"] = audit.ballots.into();
        figures["consistent"] = same.into();
        write_json(&args, &figures)?;
        if !same {
            std::process::exit(1);
        }
    } else {
        write_json(&args, &figures)?;
    }
    Ok(())
}

fn write_json(args: &Args, figures: &serde_json::Value) -> anyhow::Result<()> {
    if let Some(path) = &args.json {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        writeln!(f, "{figures}")?;
    }
    Ok(())
}

/// `--concurrency` phones, each voting again as soon as its last ballot is acknowledged.
async fn closed_loop(
    client: &reqwest::Client,
    args: &Args,
    codes: Arc<Vec<String>>,
) -> anyhow::Result<Vec<Phone>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (client, codes, next, base) = (
            client.clone(),
            codes.clone(),
            next.clone(),
            args.base.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut phone = Phone::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(code) = codes.get(i) else { break };
                vote(&client, &base, code, &mut phone, i, Instant::now()).await;
            }
            phone
        }));
    }
    let mut phones = Vec::new();
    for w in workers {
        phones.push(w.await?);
    }
    Ok(phones)
}

/// Deputy `i` is due at `started + i / rate`; at most `--concurrency` vote at once, and a
/// deputy who has to wait for a free place has that wait counted in their ballot's time.
async fn open_loop(
    client: &reqwest::Client,
    args: &Args,
    codes: Arc<Vec<String>>,
    rate: f64,
    started: Instant,
) -> anyhow::Result<Vec<Phone>> {
    anyhow::ensure!(rate > 0.0, "--rate must be above 0");
    let places = Arc::new(tokio::sync::Semaphore::new(args.concurrency));
    let mut workers = Vec::with_capacity(codes.len());
    for i in 0..codes.len() {
        let due = started + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let place = places.clone().acquire_owned().await?;
        let (client, codes, base) = (client.clone(), codes.clone(), args.base.clone());
        workers.push(tokio::spawn(async move {
            let mut phone = Phone::default();
            vote(&client, &base, &codes[i], &mut phone, i, due).await;
            drop(place);
            phone
        }));
    }
    let mut phones = Vec::with_capacity(workers.len());
    for w in workers {
        phones.push(w.await?);
    }
    Ok(phones)
}
