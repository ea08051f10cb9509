//! Posts that may bring files: the liaison's report (evidence files, or the month's filled-in
//! template) and sub-plan (its template). Such a post is `multipart/form-data`, which the guard
//! accepts only on [`takes_files`] paths, up to [`MAX_UPLOAD_BODY_BYTES`]; a plain web form to
//! the same path is read as one too.
//!
//! Files are streamed to unnamed temporary files (owner-only, gone with their last handle,
//! even if the process dies) while their SHA-256 is taken: no file is held in memory whole. A file past its size limit, or one too
//! many, does not stop the post: the rest of it is read and dropped, and the fault comes back
//! to the handler, which shows the form again as typed with the fault named. At most
//! [`CONCURRENT_UPLOADS`] posts with files are handled at once (the turn is held until the
//! handler has stored them); the others wait their turn, at most a minute, then get 503.

use crate::server::service::evidence::{MAX_EVIDENCE_BYTES, MAX_FILES_PER_POST, SNIFF_BYTES};
use crate::server::service::sheets::MAX_SHEET_BYTES;
use crate::server::web::MAX_BODY_BYTES;
use crate::server::web::problem::{Frame, Problem};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// The field of an evidence file, and of a filled-in template.
pub const EVIDENCE_FIELD: &str = "evidence";
pub const SHEET_FIELD: &str = "sheet";

/// The largest post with files: five evidence files at their limit, and the form.
pub const MAX_UPLOAD_BODY_BYTES: usize =
    MAX_FILES_PER_POST * MAX_EVIDENCE_BYTES as usize + MAX_BODY_BYTES + 64 * 1024;
/// Posts with files handled at once (read, checked and stored); the others wait their turn,
/// at most [`UPLOAD_QUEUE_WAIT`], then get 503.
pub const CONCURRENT_UPLOADS: usize = 4;
pub const UPLOAD_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);
static UPLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_UPLOADS);
/// Most parts (fields and files) one post may have: the report form of a large sub-plan
/// stays well under it.
pub const MAX_PARTS: usize = 2000;

/// Whether a `POST` to `path` may bring files.
pub fn takes_files(path: &str) -> bool {
    path == "/desk/unit/subplan"
        || path
            .strip_prefix("/desk/unit/reports/")
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// Whether a `Content-Type` is `multipart/form-data`.
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// One file as it arrived.
#[derive(Debug)]
pub struct Upload {
    /// `evidence` or `sheet`.
    pub field: String,
    /// The name the browser sent (to be cleaned before it is kept).
    pub sent_name: String,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
    /// The first [`SNIFF_BYTES`], to tell what the file is.
    pub head: Vec<u8>,
    /// An unnamed temporary file (gone with its last handle, even if the process dies).
    pub file: std::fs::File,
}

impl Upload {
    /// The whole file (for a template, at most [`MAX_SHEET_BYTES`]).
    pub async fn bytes(&self) -> std::io::Result<Vec<u8>> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let mut f = tokio::fs::File::from_std(self.file.try_clone()?);
        f.seek(std::io::SeekFrom::Start(0)).await?;
        let mut out = Vec::with_capacity(self.size as usize);
        f.read_to_end(&mut out).await?;
        Ok(out)
    }
}

/// A post as read: its text fields in order, its files, and what could not be taken.
#[derive(Debug, Default)]
pub struct Posted {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
    /// Files refused while reading (too large, too many), in Chinese.
    pub faults: Vec<String>,
    /// Whether a file was refused for its size (the answer is then a 413).
    pub too_large: bool,
    /// This post's turn among [`CONCURRENT_UPLOADS`], held until the handler is done with it.
    _turn: Option<tokio::sync::SemaphorePermit<'static>>,
}

impl Posted {
    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn file(&self, field: &str) -> Option<&Upload> {
        self.files.iter().find(|f| f.field == field)
    }
    pub fn files(&self, field: &str) -> impl Iterator<Item = &Upload> {
        self.files.iter().filter(move |f| f.field == field)
    }
    /// The text fields as a web form would have posted them.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn too_large_problem() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "提交的内容过多",
        "一次最多上传5个文件，每个不超过20 MB。请分几次上传，或压缩后重新提交。",
    )
    .in_frame(Frame::Site)
}

/// The form's text past MAX_BODY_BYTES.
fn form_too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "提交的内容过多",
        "一次提交的内容不能超过 1 MB。请删减后重新提交。",
    )
    .in_frame(Frame::Site)
}

/// Whether reading a body stopped at its length limit.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

fn broken_problem(e: impl std::fmt::Display) -> Problem {
    tracing::info!(error = %e, "an upload that did not arrive");
    Problem::new(
        StatusCode::BAD_REQUEST,
        "提交没有完成",
        "上传的内容没有完整送到，可能是网络不稳定。请回到上一页重新提交。",
    )
    .in_frame(Frame::Site)
}

impl<S: Send + Sync> FromRequest<S> for Posted {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        if !is_multipart(content_type) {
            // A plain web form: at most MAX_BODY_BYTES, as everywhere else (this route's own
            // limit is for files).
            let body = match axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES).await {
                Ok(b) => b,
                Err(e) if is_length_limit(&e) => return Err(form_too_large()),
                Err(e) => return Err(broken_problem(e)),
            };
            return Ok(Posted {
                fields: form_urlencoded::parse(&body).into_owned().collect(),
                ..Posted::default()
            });
        }
        let turn = match tokio::time::timeout(UPLOAD_QUEUE_WAIT, UPLOADS.acquire()).await {
            Ok(Ok(permit)) => permit,
            _ => {
                return Err(Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "正在上传的人较多",
                    "同时上传文件的人较多，请稍等一两分钟再提交。",
                )
                .in_frame(Frame::Site));
            }
        };
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|e| Problem::bad_request("提交格式不正确", e.body_text()))?;
        let mut posted = Posted {
            _turn: Some(turn),
            ..Posted::default()
        };
        let mut parts = 0usize;
        let mut text_bytes = 0usize;
        let mut evidence = 0usize;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(too_large_problem());
                }
                Err(e) => return Err(broken_problem(e.body_text())),
            };
            parts += 1;
            if parts > MAX_PARTS {
                return Err(form_too_large());
            }
            let name = field.name().unwrap_or("").to_string();
            let Some(sent_name) = field.file_name().map(str::to_string) else {
                // A text field, read a chunk at a time: all of them together at most
                // MAX_BODY_BYTES, as a plain web form.
                let mut field = field;
                let mut text = Vec::new();
                text_bytes += name.len();
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) => {
                            text_bytes += c.len();
                            if text_bytes > MAX_BODY_BYTES {
                                return Err(form_too_large());
                            }
                            text.extend_from_slice(&c);
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return Err(too_large_problem());
                        }
                        Err(e) => return Err(broken_problem(e.body_text())),
                    }
                }
                let text = String::from_utf8(text).map_err(|_| {
                    Problem::bad_request(
                        "表单内容有误",
                        "提交的表单无法读取，请在本站页面上重新填写提交。",
                    )
                })?;
                posted.fields.push((name, text));
                continue;
            };
            let limit = match name.as_str() {
                SHEET_FIELD => Some(MAX_SHEET_BYTES as u64),
                EVIDENCE_FIELD => Some(MAX_EVIDENCE_BYTES),
                _ => None,
            };
            let mut field = field;
            let mut spool = match limit {
                // A file field this page does not have: read and dropped.
                None => None,
                Some(_) => Some(Spool::new().map_err(Problem::unavailable)?),
            };
            let mut over = false;
            loop {
                let chunk = match field.chunk().await {
                    Ok(Some(c)) => c,
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(too_large_problem());
                    }
                    Err(e) => return Err(broken_problem(e.body_text())),
                };
                let Some(s) = spool.as_mut() else { continue };
                if s.size + chunk.len() as u64 > limit.unwrap_or(0) {
                    over = true;
                    spool = None;
                    continue;
                }
                s.write(&chunk).await.map_err(Problem::unavailable)?;
            }
            let shown = sent_name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("")
                .to_string();
            if over {
                posted.too_large = true;
                let mb = limit.unwrap_or(0) / 1024 / 1024;
                posted.faults.push(format!(
                    "文件“{shown}”超过{mb} MB，没有上传。请压缩或拆分后重新上传。"
                ));
                continue;
            }
            let Some(spool) = spool else { continue };
            // The browser sends an empty part for a file input left empty.
            if spool.size == 0 {
                continue;
            }
            if name == EVIDENCE_FIELD {
                evidence += 1;
            }
            if name == EVIDENCE_FIELD && evidence > MAX_FILES_PER_POST {
                posted.faults.push(format!(
                    "一次最多上传{MAX_FILES_PER_POST}个文件，“{shown}”没有上传。"
                ));
                continue;
            }
            posted.files.push(
                spool
                    .finish(name, sent_name)
                    .await
                    .map_err(Problem::unavailable)?,
            );
        }
        Ok(posted)
    }
}

/// A file on its way to a temporary file.
struct Spool {
    file: std::fs::File,
    out: tokio::fs::File,
    hash: Sha256,
    head: Vec<u8>,
    size: u64,
}

impl Spool {
    fn new() -> std::io::Result<Spool> {
        let file = tempfile::tempfile()?;
        let out = tokio::fs::File::from_std(file.try_clone()?);
        Ok(Spool {
            file,
            out,
            hash: Sha256::new(),
            head: Vec::new(),
            size: 0,
        })
    }

    async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.hash.update(chunk);
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.size += chunk.len() as u64;
        self.out.write_all(chunk).await
    }

    async fn finish(mut self, field: String, sent_name: String) -> std::io::Result<Upload> {
        self.out.flush().await?;
        Ok(Upload {
            field,
            sent_name,
            size: self.size,
            sha256: hex::encode(self.hash.finalize()),
            head: self.head,
            file: self.file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_liaisons_forms_take_files() {
        assert!(takes_files("/desk/unit/subplan"));
        assert!(takes_files("/desk/unit/reports/2020-06"));
        assert!(!takes_files("/desk/unit/reports/"));
        assert!(!takes_files("/desk/unit/reports/2020-06/x"));
        assert!(!takes_files("/v/ABCD"));
        assert!(!takes_files("/desk/handling/reports/3/review"));
        assert!(is_multipart(Some("multipart/form-data; boundary=x")));
        assert!(!is_multipart(Some("multipart/mixed; boundary=x")));
        assert!(!is_multipart(None));
    }
}
