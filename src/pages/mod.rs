//! The pages the Leptos router renders (`crate::app`), one module each. Each loads its data
//! through a server function (`crate::api`) and renders plain HTML; the few interactive parts
//! are islands (`crate::components::islands`). Pages that plain handlers answer live with their
//! handlers in `server::web`; the ballot's views are here because the router renders it too.

pub mod account;
pub mod ballot;
pub mod group;
pub mod not_found;
pub mod plan;
pub mod task;
pub mod tasks;
pub mod unit;
pub mod units;

use crate::components::layout::{ErrorPage, Loading};
use crate::error::AppError;
use leptos::prelude::*;

/// Waits for a page's data, then renders it, or the error page with its HTTP status.
pub fn load_page<T, V>(
    data: impl Future<Output = Result<T, AppError>> + Send + 'static,
    render: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                match data.await {
                    Ok(d) => render(d).into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
