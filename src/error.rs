//! The one error type that crosses from the server to a page.
//!
//! Messages are what a person reads, in Chinese; internal details are logged on the server
//! and never shown ([`AppError::internal`]).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 404: the thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// 400: the request itself is wrong; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// 401: sign in first.
    #[error("请先登录。")]
    Unauthorized,
    /// 403: signed in, but this is not for your role.
    #[error("您的账号没有查看此页面的权限。")]
    Forbidden,
    /// 500: something broke on the server; details are in the server log only.
    #[error("服务器出错了，请稍后再试。")]
    Internal,
    /// The request never reached the function (network, encoding).
    #[error("网络或请求出错：{0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) => {
                AppError::BadRequest(format!("请求格式不正确：{m}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs a server-side failure once and turns it into the message a person sees.
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %e, "server error");
        AppError::Internal
    }
}
