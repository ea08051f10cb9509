//! The audit key: an Ed25519 signing key in a file outside the database, readable by the
//! server's user only (0600, like everything the process creates), made at the server's
//! first start. It signs the audit trail's head (`crate::audit::signed`). Default place:
//! `audit.key` in the database's folder; `--audit-key` / `CEPING_AUDIT_KEY` put it elsewhere
//! (a folder the database's backups do not take along, owned by the server's user).
//! `ceping backup` copies the database only, never the key.

use anyhow::Context;
use base64ct::{Base64UrlUnpadded, Encoding};
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};

const HEADER: &str = "ceping audit key v1";

/// Where the key is by default: beside the database file.
pub fn default_path(db: &Path) -> PathBuf {
    db.with_file_name("audit.key")
}

/// The key at `path`.
pub fn load(path: &Path) -> anyhow::Result<SigningKey> {
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
    if path.exists() {
        return load(path);
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
    Ok(key)
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
        std::fs::write(&path, "not a key").unwrap();
        assert!(load(&path).is_err());
        assert!(load(&dir.path().join("missing.key")).is_err());
    }
}
