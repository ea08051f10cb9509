use crate::components::layout::ErrorPage;
use crate::error::AppError;
use leptos::prelude::*;

/// Any URL the app does not know: a real 404.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound("没有这个页面，请检查网址。".into()) /> }
}
