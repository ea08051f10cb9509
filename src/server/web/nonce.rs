//! The nonce of one answer's inline scripts: made by the guard for every request, put in the
//! answer's Content-Security-Policy, and given to whatever renders the page (Leptos routes read
//! it from the request's extensions, plain handlers' pages from the task-local).

/// This request's nonce for inline scripts, in the request's extensions (where the Leptos
/// routes read it from the request parts) and for the rest of the request's task (where
/// [`render`](crate::server::web::render) reads it).
#[derive(Debug, Clone)]
pub struct CspNonce(pub std::sync::Arc<str>);

tokio::task_local! {
    pub static NONCE: CspNonce;
}

impl CspNonce {
    /// 128 random bits, in hex.
    pub fn fresh() -> CspNonce {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        CspNonce(hex::encode(bytes).into())
    }

    /// The current request's nonce, if a request is being answered on this task.
    pub fn current() -> Option<CspNonce> {
        NONCE.try_with(Clone::clone).ok()
    }
}
