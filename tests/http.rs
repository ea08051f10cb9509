//! HTTP through the router, as `ceping serve` builds it: pages, the JSON API, 404s, bad requests.
#![cfg(feature = "ssr")]

use crate::common;

use common::TestApp;

use axum::http::{Method, StatusCode, header};

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
    let t = TestApp::new().await;
    for (path, needles) in cases {
        let (status, body) = t.get(path, None).await.status_and_body();
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
    let t = TestApp::new().await;
    let units = t.get("/plans/1/units", None).await.body;
    assert!(
        units.contains("\"ceping_bg\""),
        "the units page has the filter island"
    );
    // The bundle is fetched by the loader script only: no preload hint, which a browser would
    // follow with JavaScript off too.
    assert!(!units.contains("rel=\"preload\""), "{units}");
    assert!(!units.contains("rel=\"modulepreload\""), "{units}");
    let plan = t.get("/plans/1", None).await.body;
    assert!(
        !plan.contains("ceping_bg"),
        "the overview needs no JavaScript"
    );
}

#[tokio::test]
async fn unknown_ids_and_paths_get_a_404_page() {
    let t = TestApp::new().await;
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
        let (status, body) = t.get(path, None).await.status_and_body();
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("页面不存在"), "{path}: {body}");
    }
}

#[tokio::test]
async fn json_api_answers_and_rejects_bad_arguments() {
    let t = TestApp::new().await;
    let (status, body) = t.get("/api/plan/task?id=1", None).await.status_and_body();
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["task"]["lead"][0]["name"], "市自然资源和规划局");
    assert_eq!(v["links"].as_array().unwrap().len(), 6);

    let status = t.get("/api/plan/task?id=9999", None).await.status;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = t.get("/api/plan/task?id=abc", None).await.status_and_body();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("参数 id 应为正整数"), "{body}");
    let (status, body) = t.get("/api/plan/task", None).await.status_and_body();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let status = t.get("/api/plan/tasks?plan=-3", None).await.status;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = t.get("/api/plan/overview", None).await.status_and_body();
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["task_count"], 14);
    assert_eq!(v["member_unit_count"], 30);
}

#[tokio::test]
async fn pages_are_compressed_when_asked() {
    let t = TestApp::new().await;
    let res = t
        .request(
            Method::GET,
            "/plans/1/tasks",
            None,
            &[(header::ACCEPT_ENCODING, "br, gzip")],
            "",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn health_check() {
    let (status, body) = TestApp::new()
        .await
        .get("/healthz", None)
        .await
        .status_and_body();
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}
