//! Opening the database: SQLite in WAL mode with a busy timeout and foreign keys on,
//! migrations embedded in the binary and applied at start.

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The official plan the product starts from, imported on a first start with an empty database.
pub const SEED_PLAN: &str = include_str!("../../seed/wuhan-2020-proposal-3.txt");

/// Migrations, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connection options shared by the file database and tests.
fn options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a transaction reported as committed survives a power cut, not only a crash.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        // What is deleted or replaced (a revised ballot's old ciphertexts, a count's sealed
        // comments) is overwritten with zeros, not left in free pages.
        .pragma("secure_delete", "ON")
        .foreign_keys(true))
}

/// Makes `path` a file only its owner can read or write: created empty if missing (with
/// mode 0600 from the start), its permissions narrowed if it exists. The database, its WAL
/// and shared-memory files (SQLite gives them the database file's mode), backups and code
/// files hold what must not be read by other accounts on the machine.
pub fn private_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    {
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
    }
    Ok(())
}

/// Opens (creating it and its folder if needed) the database file and applies the migrations.
/// The file and its WAL are readable by their owner only ([`private_file`]).
pub async fn open(path: &Path) -> anyhow::Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the database folder {}", dir.display()))?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if suffix.is_empty() || file.exists() {
            private_file(&file)
                .with_context(|| format!("cannot make {} private", file.display()))?;
        }
    }
    let opts = options(&format!("sqlite://{}", path.display()))?;
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(opts)
        .await
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    migrate(&pool).await?;
    Ok(pool)
}

/// An in-memory database with the migrations, for tests and `plan parse` checks.
pub async fn open_in_memory() -> anyhow::Result<SqlitePool> {
    let opts = options("sqlite::memory:")?.journal_mode(SqliteJournalMode::Memory);
    // One connection: each in-memory connection would otherwise be its own empty database.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?;
    migrate(&pool).await?;
    Ok(pool)
}

async fn migrate(pool: &SqlitePool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context(
        "the database migrations failed; the database may belong to a newer Ceping or be damaged",
    )?;
    admit_liaisons(pool)
        .await
        .context("cannot admit liaison accounts to the account table")
}

/// The account CHECK as migration 0003 wrote it, and as it reads once liaisons are admitted:
/// a liaison has a unit, and nobody else has one.
const ROLES_BEFORE: &str = "CHECK (role IN ('evaluator', 'office'))";
const ROLES_AFTER: &str = "CHECK (role IN ('evaluator', 'office', 'liaison'))";
const UNIT_IFF_LIAISON: &str = ",\n    CHECK ((role = 'liaison') = (unit_id IS NOT NULL))\n)";

/// Widens the account table's role CHECK to admit `liaison` (migration 0013), once. SQLite
/// changes a CHECK only by rebuilding the table, and the rebuild must run with foreign keys
/// off (dropping `account` with them on would delete every session, score sheet and second
/// factor through their ON DELETE CASCADE), which a migration's transaction cannot do: the
/// procedure of SQLite's "ALTER TABLE: other kinds of schema changes", on one connection,
/// checked with `foreign_key_check` before it commits.
async fn admit_liaisons(pool: &SqlitePool) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut conn = pool.acquire().await?;
    let (sql,): (String,) =
        sqlx::query_as("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'account'")
            .fetch_one(&mut *conn)
            .await?;
    if sql.contains(ROLES_AFTER) {
        return Ok(());
    }
    anyhow::ensure!(
        sql.matches(ROLES_BEFORE).count() == 1 && sql.trim_end().ends_with(')'),
        "the account table is not as Ceping's migrations left it: {sql}"
    );
    let widened = sql
        .replacen("CREATE TABLE account", "CREATE TABLE account_new", 1)
        .replacen(ROLES_BEFORE, ROLES_AFTER, 1);
    let widened = format!(
        "{}{UNIT_IFF_LIAISON}",
        widened.trim_end().strip_suffix(')').unwrap_or(&widened)
    );
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let rebuilt = async {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(&widened).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO account_new SELECT * FROM account")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DROP TABLE account").execute(&mut *tx).await?;
        sqlx::query("ALTER TABLE account_new RENAME TO account")
            .execute(&mut *tx)
            .await?;
        // The references to accounts, and only those: an unrelated damaged row elsewhere is
        // not this step's to judge.
        let (broken,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM sqlite_schema s, pragma_foreign_key_list(s.name) f,
                 pragma_foreign_key_check(s.name) c
             WHERE s.type = 'table' AND f.\"table\" = 'account' AND c.fkid = f.id",
        )
        .fetch_one(&mut *tx)
        .await?;
        anyhow::ensure!(
            broken == 0,
            "rebuilding the account table would break {broken} references"
        );
        tx.commit().await?;
        anyhow::Ok(())
    }
    .await;
    let on = sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await;
    if rebuilt.is_err() || on.is_err() {
        // Never hand a connection with foreign keys off back to the pool.
        conn.detach();
    }
    rebuilt?;
    on?;
    Ok(())
}

/// Imports the seed plan if the database holds no plan yet. Returns the new plan's id.
pub async fn seed_if_empty(pool: &SqlitePool) -> anyhow::Result<Option<i64>> {
    let (plans,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM plan")
        .fetch_one(pool)
        .await?;
    if plans > 0 {
        return Ok(None);
    }
    let outcome = super::repo::plan::import(pool, SEED_PLAN).await?;
    Ok(Some(outcome.plan_id))
}

/// Copies the database to `file` with `VACUUM INTO`: a consistent snapshot taken in one read
/// transaction, so the server may keep running (and writing) meanwhile. Refuses to overwrite.
/// Returns the copy's size in bytes.
pub async fn backup(pool: &SqlitePool, file: &Path) -> anyhow::Result<u64> {
    anyhow::ensure!(
        !file.exists(),
        "{} exists already; choose a new file name",
        file.display()
    );
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let target = file
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup path must be valid UTF-8"))?;
    // VACUUM INTO writes into an empty file as into a new one: made first, private, and only if
    // nothing is there (a file appearing since the check above is not overwritten).
    create_private(file)?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(pool)
        .await
        .with_context(|| format!("cannot write the backup to {}", file.display()))?;
    Ok(std::fs::metadata(file)?.len())
}

/// The key that derives receipts, made from the OS's randomness at first start.
pub async fn server_secret(pool: &SqlitePool) -> anyhow::Result<Vec<u8>> {
    use rand::RngCore;
    let mut fresh = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    // INSERT OR IGNORE then read: two servers starting at once agree on one key.
    sqlx::query("INSERT OR IGNORE INTO server_secret (name, value) VALUES ('receipt_key', ?)")
        .bind(&fresh)
        .execute(pool)
        .await?;
    let (key,): (Vec<u8>,) =
        sqlx::query_as("SELECT value FROM server_secret WHERE name = 'receipt_key'")
            .fetch_one(pool)
            .await?;
    Ok(key)
}

/// SQLite's own check of the file: `"ok"`, or what is damaged.
pub async fn integrity_check(pool: &SqlitePool) -> Result<String, sqlx::Error> {
    let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(pool)
        .await?;
    Ok(integrity)
}

/// Sets one connection's page cache, in KiB.
pub async fn set_cache_size(
    conn: &mut sqlx::SqliteConnection,
    kib: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("PRAGMA cache_size = -{kib}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// Creates a new file readable by its owner only (codes, key files, backups); refuses to
/// replace one that exists.
pub fn create_private(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))
}
