//! Evidence files (佐证材料): what an upload really is, from its first bytes, and the name and
//! type it is served back with. Only PDF, JPEG, PNG, WebP, XLSX and DOCX are kept; a file is
//! what its bytes say, never what its name or the browser claims (a `.pdf` that is HTML is
//! refused). Downloads always go out as attachments of the kept type, never shown inline.

/// The largest evidence file accepted: 20 MiB.
pub const MAX_EVIDENCE_BYTES: u64 = 20 * 1024 * 1024;
/// Most new files one post brings.
pub const MAX_FILES_PER_POST: usize = 5;
/// Longest kept file name, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// How much of a file's start is read to tell what it is (an XLSX or DOCX names its parts
/// near the start of the archive).
pub const SNIFF_BYTES: usize = 8192;

/// What a kept file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EvidenceKind {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Xlsx,
    Docx,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 6] = [
        EvidenceKind::Pdf,
        EvidenceKind::Jpeg,
        EvidenceKind::Png,
        EvidenceKind::Webp,
        EvidenceKind::Xlsx,
        EvidenceKind::Docx,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "pdf",
            EvidenceKind::Jpeg => "jpeg",
            EvidenceKind::Png => "png",
            EvidenceKind::Webp => "webp",
            EvidenceKind::Xlsx => "xlsx",
            EvidenceKind::Docx => "docx",
        }
    }
    pub fn parse(s: &str) -> Option<EvidenceKind> {
        EvidenceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// The type a download goes out with.
    pub fn content_type(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "application/pdf",
            EvidenceKind::Jpeg => "image/jpeg",
            EvidenceKind::Png => "image/png",
            EvidenceKind::Webp => "image/webp",
            EvidenceKind::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            EvidenceKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
    /// The extension a download's name ends with.
    pub fn extension(self) -> &'static str {
        match self {
            EvidenceKind::Jpeg => "jpg",
            k => k.as_str(),
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "PDF",
            EvidenceKind::Jpeg | EvidenceKind::Png | EvidenceKind::Webp => "图片",
            EvidenceKind::Xlsx => "表格",
            EvidenceKind::Docx => "文档",
        }
    }
}

/// What the first bytes of a file say it is, if it is a kind kept here.
pub fn sniff(head: &[u8]) -> Option<EvidenceKind> {
    let kind = infer::get(head)?;
    match kind.mime_type() {
        "application/pdf" => Some(EvidenceKind::Pdf),
        "image/jpeg" => Some(EvidenceKind::Jpeg),
        "image/png" => Some(EvidenceKind::Png),
        "image/webp" => Some(EvidenceKind::Webp),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
            Some(EvidenceKind::Xlsx)
        }
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            Some(EvidenceKind::Docx)
        }
        _ => None,
    }
}

/// What a whole file is: [`sniff`] on its first bytes, or, for a ZIP archive they do not
/// name (an XLSX or DOCX whose parts are ordered otherwise, as some editors write them), a
/// local header of `xl/workbook.xml` or `word/document.xml` anywhere in it. The archive is
/// scanned, never unpacked or indexed (a crafted one cannot make it allocate). Blocking: call
/// it off the async threads.
pub fn sniff_file(head: &[u8], file: &std::fs::File) -> Option<EvidenceKind> {
    use std::io::{Read, Seek};
    if let Some(kind) = sniff(head) {
        return Some(kind);
    }
    if !head.starts_with(b"PK\x03\x04") {
        return None;
    }
    let mut f = file.try_clone().ok()?;
    f.seek(std::io::SeekFrom::Start(0)).ok()?;
    let mut buf = vec![0u8; 1 << 20];
    let mut window: Vec<u8> = Vec::new();
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        window.extend_from_slice(&buf[..n]);
        for (name, kind) in [
            (b"xl/workbook.xml".as_slice(), EvidenceKind::Xlsx),
            (b"word/document.xml".as_slice(), EvidenceKind::Docx),
        ] {
            if names_part(&window, name) {
                return Some(kind);
            }
        }
        // Keep a header's length, for a name split between two reads.
        let keep = window.len().min(64);
        window.drain(..window.len() - keep);
    }
}

/// Whether `window` holds a ZIP local file header (30 bytes, its name's length at 26) naming
/// `name`.
fn names_part(window: &[u8], name: &[u8]) -> bool {
    window.windows(name.len()).enumerate().any(|(i, w)| {
        w == name
            && i >= 30
            && &window[i - 30..i - 26] == b"PK\x03\x04"
            && u16::from_le_bytes([window[i - 4], window[i - 3]]) as usize == name.len()
    })
}

/// The name a file is kept under: the last part of what the browser sent (no folders), no
/// control or path characters, at most [`MAX_NAME_CHARS`], ending in its kind's extension.
pub fn safe_name(sent: &str, kind: EvidenceKind) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let ext = kind.extension();
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, e)) if !stem.is_empty() && e.len() <= 5 => stem,
        _ => cleaned,
    };
    let stem: String = stem.chars().take(MAX_NAME_CHARS - 1 - ext.len()).collect();
    let stem = if stem.trim().is_empty() {
        "佐证材料".to_string()
    } else {
        stem.trim().to_string()
    };
    format!("{stem}.{ext}")
}

/// A `Content-Disposition` that makes every browser save the file under its kept name
/// (RFC 6266: an ASCII fallback and the UTF-8 name).
pub fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A size as people read it: 812 KB, 3.4 MB.
pub fn size_text(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes as f64 / 1024.0).ceil() as i64)
    } else {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_what_its_bytes_say() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(EvidenceKind::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(EvidenceKind::Jpeg)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(EvidenceKind::Png)
        );
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(EvidenceKind::Webp));
        // HTML named .pdf, a script, an executable, a GIF: none is kept.
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /"), None);
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), None);
        assert_eq!(sniff(b""), None);
        // A real XLSX (as the templates are written) is told from a DOCX.
        let xlsx = crate::server::service::sheets::subplan_template("单位", &[], &[], &[]).unwrap();
        assert_eq!(
            sniff(&xlsx[..SNIFF_BYTES.min(xlsx.len())]),
            Some(EvidenceKind::Xlsx)
        );
        // A DOCX whose first part is not the one that names it: told by its parts; a plain
        // ZIP is refused.
        let dir = tempfile::tempdir().unwrap();
        let zip_of = |name: &str, parts: &[&str]| {
            let path = dir.path().join(name);
            let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
            for p in parts {
                let stored = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored);
                w.start_file(*p, stored).unwrap();
                // Past the first read, so that a later part's name is found in a later one.
                std::io::Write::write_all(&mut w, &vec![b'x'; 1 << 20]).unwrap();
            }
            w.finish().unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let head = bytes[..SNIFF_BYTES.min(bytes.len())].to_vec();
            (std::fs::File::open(&path).unwrap(), head)
        };
        let (file, head) = zip_of("a.docx", &["docProps/app.xml", "word/document.xml"]);
        assert_eq!(sniff(&head), None, "the first bytes alone do not say");
        assert_eq!(sniff_file(&head, &file), Some(EvidenceKind::Docx));
        let (file, head) = zip_of("b.zip", &["readme.txt", "evil.exe"]);
        assert_eq!(sniff_file(&head, &file), None);
        // A name inside another part's name, not a part's own header, does not count.
        let (file, head) = zip_of("c.zip", &["notes/word/document.xml.txt"]);
        assert_eq!(sniff_file(&head, &file), None);
    }

    #[test]
    fn names_lose_their_folders_and_tricks_and_keep_their_kind() {
        let pdf = EvidenceKind::Pdf;
        assert_eq!(safe_name("C:\\Users\\王\\台账.pdf", pdf), "台账.pdf");
        assert_eq!(safe_name("../../etc/passwd", pdf), "passwd.pdf");
        assert_eq!(safe_name("report.html", pdf), "report.pdf");
        assert_eq!(safe_name("a\u{0}b\r\n\"c\".pdf", pdf), "abc.pdf");
        assert_eq!(safe_name("", EvidenceKind::Jpeg), "佐证材料.jpg");
        assert_eq!(safe_name(".pdf", pdf), "pdf.pdf");
        let long = "长".repeat(300);
        assert_eq!(safe_name(&long, pdf).chars().count(), MAX_NAME_CHARS);
        let d = disposition("台账 6月.pdf");
        assert!(d.starts_with("attachment; filename=\"___6_.pdf\"; filename*=UTF-8''"));
        assert!(!d.contains(' ') || d.matches(' ').count() == 2, "{d}");
        assert_eq!(size_text(2048), "2 KB");
        assert_eq!(size_text(3 * 1024 * 1024 + 400 * 1024), "3.4 MB");
    }
}
