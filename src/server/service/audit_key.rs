//! The audit key: an Ed25519 signing key in a file outside the database, readable by the
//! server's user only (0600, like everything the process creates), made at the server's
//! first start. It signs the audit trail's head (`crate::audit::signed`). Default place:
//! `audit.key` in the database's folder; `--audit-key` / `CEPING_AUDIT_KEY` put it elsewhere
//! (a folder the database's backups do not take along, owned by the server's user).
//! `ceping backup` copies the database only, never the key.
//!
//! Beside the key, `KEY.head` keeps the last head it signed (`SEQ:HASH`). The key signs a
//! head only if the chain still contains that one ([`AuditSigner::sign_head`]): whoever can
//! write the database can re-chain it so that it verifies, but the server then refuses to
//! sign the forgery. (Whoever can also write the key's folder can remove both; the public key
//! handed out with a head, `--public-key`, then no longer matches the one the server signs with,
//! and every key the server makes is recorded in the trail.) The key file must be readable
//! by its owner only, or it is refused.

use crate::audit::signed::{self, ExpectedHead};
use crate::server::repo::audit;
use anyhow::Context;
use base64ct::{Base64UrlUnpadded, Encoding};
use ed25519_dalek::SigningKey;
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};

const HEADER: &str = "ceping audit key v1";

/// What a key derived from the audit key is for (see [`derive`]).
pub const DEVICE_COOKIES: &str = "device cookies v3";
/// What a key derived from the audit key is for: sealing second factors (`crate::totp`).
pub const TOTP_SECRETS: &str = "totp secrets v1";
/// What a key derived from the audit key is for: the tellers' page links
/// (`service::teller_link`), which a copy of the database must not let anyone recompute.
pub const TELLER_LINKS: &str = "teller links v1";

/// The audit key at `path`, made there if missing; a key made is recorded in the audit trail
/// (every key the trail's heads are signed with is in the trail itself).
pub async fn open(pool: &SqlitePool, path: &Path) -> anyhow::Result<SigningKey> {
    let (key, made) = load_or_create_telling(path)?;
    let public = crate::audit::signed::key_text(&key.verifying_key());
    tracing::info!(path = %path.display(), key = %public, "audit key");
    if made {
        let detail = serde_json::json!({ "path": path.display().to_string() });
        crate::server::repo::audit::log(pool, "server", "audit-key.create", &public, detail)
            .await?;
    }
    Ok(key)
}

/// A 32-byte key for `purpose`, derived from `root` (the audit key's secret bytes): secrets
/// the server needs that a copy of the database must not give away live in the key file too,
/// without more files to keep.
pub fn derive(root: &[u8], purpose: &str) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(root).expect("HMAC takes any key");
    mac.update(b"ceping derived key\0");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Where the key is by default: beside the database file.
pub fn default_path(db: &Path) -> PathBuf {
    db.with_file_name("audit.key")
}

/// The key at `path`.
pub fn load(path: &Path) -> anyhow::Result<SigningKey> {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            anyhow::bail!(
                "the audit key {} can be read by others (mode {mode:o}): `chmod 600` it, and \
                 make a new key if anyone else may have read it",
                path.display()
            );
        }
    }
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the audit key {} (it is made when the server first starts; give \
             --audit-key or CEPING_AUDIT_KEY if it is elsewhere)",
            path.display()
        )
    })?;
    let mut lines = text.lines();
    let seed = (lines.next() == Some(HEADER))
        .then(|| lines.next())
        .flatten()
        .and_then(|b64| Base64UrlUnpadded::decode_vec(b64.trim()).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .with_context(|| format!("{} is not a Ceping audit key", path.display()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key at `path`, made there first if there is none (a new file, for its owner only).
pub fn load_or_create(path: &Path) -> anyhow::Result<SigningKey> {
    load_or_create_telling(path).map(|(key, _)| key)
}

/// [`load_or_create`], and whether the key was made just now.
pub fn load_or_create_telling(path: &Path) -> anyhow::Result<(SigningKey, bool)> {
    if path.exists() {
        return load(path).map(|k| (k, false));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder of {}", path.display()))?;
    }
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let text = format!(
        "{HEADER}\n{}\n",
        Base64UrlUnpadded::encode_string(key.as_bytes())
    );
    let mut file = crate::server::db::create_private(path)?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the audit key {}", path.display()))?;
    tracing::info!(path = %path.display(), "made the audit key");
    Ok((key, true))
}

/// Where the last signed head is kept: `KEY.head` beside the key.
pub fn anchor_path(key: &Path) -> PathBuf {
    let mut name = key.file_name().unwrap_or_default().to_os_string();
    name.push(".head");
    key.with_file_name(name)
}

/// The audit key, and the file with the last head it signed.
pub struct AuditSigner {
    key: SigningKey,
    anchor: PathBuf,
}

impl AuditSigner {
    /// The key from `path` (see [`load`]).
    pub fn open(path: &Path) -> anyhow::Result<AuditSigner> {
        Ok(AuditSigner::new(load(path)?, anchor_path(path)))
    }

    /// `key`, keeping its last signed head in `anchor`.
    pub fn new(key: SigningKey, anchor: PathBuf) -> AuditSigner {
        AuditSigner { key, anchor }
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The last head signed, if any.
    pub fn last_signed(&self) -> anyhow::Result<Option<(i64, String)>> {
        let text = match std::fs::read_to_string(&self.anchor) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", self.anchor.display()));
            }
        };
        let head = ExpectedHead::parse(text.trim())
            .map_err(|e| anyhow::anyhow!("{} is not a head: {e}", self.anchor.display()))?;
        Ok(Some((head.seq, head.hash)))
    }

    /// Signs the chain's head, if the chain holds and still contains the last head signed;
    /// that head then becomes the last. `Ok(Err(why))`: nothing was signed, and why.
    pub async fn sign_head(
        &self,
        pool: &SqlitePool,
    ) -> anyhow::Result<Result<ExpectedHead, String>> {
        let last = self.last_signed()?;
        let (seq, hash) = match audit::verify(pool, last.as_ref()).await? {
            Ok(head) => head,
            Err(broken) => {
                let why = match &last {
                    Some((s, h)) => format!(
                        "{broken} (the head this key signed last was {s}:{h}, kept in {})",
                        self.anchor.display()
                    ),
                    None => broken.to_string(),
                };
                return Ok(Err(why));
            }
        };
        if last.as_ref().is_none_or(|(s, _)| *s < seq) {
            self.keep(seq, &hash)?;
        }
        Ok(Ok(signed::sign(&self.key, seq, &hash)))
    }

    /// Writes the last signed head: a new file for the owner only, then renamed over the
    /// old one, so that a crash leaves one or the other whole.
    fn keep(&self, seq: i64, hash: &str) -> anyhow::Result<()> {
        let tmp = self.anchor.with_extension("head.new");
        let _ = std::fs::remove_file(&tmp);
        let mut file = crate::server::db::create_private(&tmp)?;
        std::io::Write::write_all(&mut file, format!("{seq}:{hash}\n").as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &self.anchor)
            .with_context(|| format!("cannot write {}", self.anchor.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("audit.key");
        let made = load_or_create(&path).unwrap();
        let again = load_or_create(&path).unwrap();
        assert_eq!(made.to_bytes(), again.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "readable by its owner only");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = load(&path).unwrap_err().to_string();
            assert!(err.contains("chmod 600"), "{err}");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(load(&path).is_err());
        assert!(load(&dir.path().join("missing.key")).is_err());
    }
}
