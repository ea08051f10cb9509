//! HTTP through the router, as `ceping serve` builds it: pages, the JSON API, 404s, bad requests.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn get(path: &str) -> (StatusCode, String) {
    get_with(path, &[]).await
}

async fn get_with(path: &str, headers: &[(&str, &str)]) -> (StatusCode, String) {
    let app = common::app(common::seeded_pool().await).await;
    let mut req = Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app.oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn plan_pages_render_completely_on_the_server() {
    let cases: &[(&str, &[&str])] = &[
        (
            "/",
            &[
                "市十四届人大五次会议3号议案办理工作方案",
                "总体要求",
                "任务部署",
                "总结报告",
            ],
        ),
        ("/plans/1", &["关于加快生物医药产业集群建设"]),
        (
            "/plans/1/tasks",
            &["(一)推进规划布局落地", "市自然资源和规划局", "(三)4"],
        ),
        (
            "/tasks/1",
            &[
                "(一)1",
                "牵头单位",
                "武汉东湖新技术开发区管委会",
                "汉阳区人民政府",
            ],
        ),
        (
            "/plans/1/units",
            &["市经济和信息化局", "又称市经济和信息局", "各区人民政府"],
        ),
        ("/plans/1/group", &["胡亚波", "党蓁", "舒贵传"]),
    ];
    for (path, needles) in cases {
        let (status, body) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.starts_with("<!DOCTYPE html>"), "{path}");
        assert!(body.contains(r#"<html lang="zh-CN""#), "{path}");
        for n in *needles {
            assert!(body.contains(n), "{path} should contain {n}");
        }
        // Rendered with the data, not a loading placeholder to be filled by script.
        assert!(!body.contains("正在加载"), "{path}");
    }
}

#[tokio::test]
async fn only_pages_with_islands_load_the_wasm() {
    let (_, units) = get("/plans/1/units").await;
    assert!(
        units.contains("ceping_bg.wasm"),
        "the units page has the filter island"
    );
    let (_, plan) = get("/plans/1").await;
    assert!(
        !plan.contains("ceping_bg.wasm"),
        "the overview needs no JavaScript"
    );
}

#[tokio::test]
async fn unknown_ids_and_paths_get_a_404_page() {
    for path in [
        "/tasks/99999",
        "/tasks/0",
        "/tasks/abc",
        "/tasks/-1",
        "/units/424242",
        "/plans/9",
        "/plans/x/tasks",
        "/nowhere",
    ] {
        let (status, body) = get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("页面不存在"), "{path}: {body}");
    }
}

#[tokio::test]
async fn json_api_answers_and_rejects_bad_arguments() {
    let (status, body) = get("/api/plan/task?id=1").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["task"]["lead"][0]["name"], "市自然资源和规划局");
    assert_eq!(v["links"].as_array().unwrap().len(), 6);

    let (status, _) = get("/api/plan/task?id=9999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = get("/api/plan/task?id=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("参数 id 应为正整数"), "{body}");
    let (status, body) = get("/api/plan/task").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = get("/api/plan/tasks?plan=-3").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = get("/api/plan/overview").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["task_count"], 14);
    assert_eq!(v["member_unit_count"], 30);
}

#[tokio::test]
async fn pages_are_compressed_when_asked() {
    let app = common::app(common::seeded_pool().await).await;
    let res = app
        .oneshot(
            Request::get("/plans/1/tasks")
                .header(header::ACCEPT_ENCODING, "br, gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn health_check() {
    let (status, body) = get("/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}
