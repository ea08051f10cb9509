//! The site's public address, `https://rd.example.cn` (or with a port, or a path prefix when a
//! proxy serves Ceping under one): what every link Ceping writes starts with — slips, code
//! CSVs, tellers' links. Checked once, so a link is never built on a typo.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("the public address must start with http:// or https://, e.g. https://rd.example.cn")]
    Scheme,
    #[error("the public address needs a host name, e.g. https://rd.example.cn")]
    NoHost,
    #[error(
        "the public address may hold only a scheme, a host, a port and a path (no spaces, query, '#' or user name)"
    )]
    Odd,
}

impl BaseUrl {
    /// Reads `text`; a trailing `/` is dropped.
    pub fn parse(text: &str) -> Result<BaseUrl, BaseUrlError> {
        let text = text.trim();
        let has = |scheme: &str| {
            text.get(..scheme.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(scheme))
        };
        let scheme = ["https://", "http://"]
            .into_iter()
            .find(|s| has(s))
            .ok_or(BaseUrlError::Scheme)?;
        let rest = text[scheme.len()..].trim_end_matches('/');
        let host = rest.split('/').next().unwrap_or("");
        if host.is_empty() || host.starts_with(':') {
            return Err(BaseUrlError::NoHost);
        }
        let plain = |c: char| c.is_ascii_alphanumeric() || "-._~:/[]%".contains(c);
        if !rest.chars().all(plain) {
            return Err(BaseUrlError::Odd);
        }
        Ok(BaseUrl(format!("{scheme}{rest}")))
    }

    /// `path` (starting with `/`) under this address.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// Whether the host is this machine (`localhost`, `127.x`, `[::1]`): links no phone opens.
    pub fn is_loopback(&self) -> bool {
        let host = self.0.split("://").nth(1).unwrap_or("");
        let host = host.split('/').next().unwrap_or("");
        let name = if host.starts_with('[') {
            host.split(']').next().unwrap_or("").trim_start_matches('[')
        } else {
            host.split(':').next().unwrap_or("")
        };
        name.eq_ignore_ascii_case("localhost")
            || name
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_joined() {
        let b = BaseUrl::parse("https://rd.example.cn/").unwrap();
        assert_eq!(b.join("/v/ABCDE"), "https://rd.example.cn/v/ABCDE");
        assert!(!b.is_loopback());
        let b = BaseUrl::parse(" HTTP://rd.example.cn:8443/ceping ").unwrap();
        assert_eq!(b.as_str(), "http://rd.example.cn:8443/ceping");
        for (text, err) in [
            ("rd.example.cn", BaseUrlError::Scheme),
            ("ftp://rd.example.cn", BaseUrlError::Scheme),
            ("https://", BaseUrlError::NoHost),
            ("https://:80", BaseUrlError::NoHost),
            ("https://rd.example.cn/?x=1", BaseUrlError::Odd),
            ("https://a b.cn", BaseUrlError::Odd),
            ("https://evil@rd.example.cn", BaseUrlError::Odd),
            ("https://rd.example.cn/#x", BaseUrlError::Odd),
            ("https://rd.example.cn/\"><script>", BaseUrlError::Odd),
        ] {
            assert_eq!(BaseUrl::parse(text), Err(err), "{text}");
        }
    }

    #[test]
    fn loopback_addresses_are_known() {
        for text in [
            "http://127.0.0.1:3000",
            "http://localhost",
            "http://LOCALHOST:3000/x",
            "http://[::1]:3000",
            "http://127.8.9.10",
        ] {
            assert!(BaseUrl::parse(text).unwrap().is_loopback(), "{text}");
        }
        for text in [
            "http://10.0.0.1",
            "https://rd.example.cn",
            "http://[2001:db8::1]",
        ] {
            assert!(!BaseUrl::parse(text).unwrap().is_loopback(), "{text}");
        }
    }
}
