//! Invitation codes at the office: making them from a list of deputies or a count, the
//! printable slips (each code shown only this once), revoking and reissuing one, and the list
//! of who has not voted yet (never what anyone chose).

use super::download;
use super::view::{ConfirmRevoke, InvitationsPage, Slip, SlipSheet};
use crate::ballot::InviteCode;
use crate::export::{Cell, CsvOut};
use crate::message::Bilingual;
use crate::server::repo::account::Account;
use crate::server::repo::audit;
use crate::server::repo::invite::{self, InviteError, Invitee};
use crate::server::repo::round::{Round, RoundState};
use crate::server::service::links;
use crate::server::web::AppState;
use crate::server::web::extract::{Office, StaffRound, WebForm, see_other};
use crate::server::web::guard::NotCrossSite;
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

type Page = Result<Response, Problem>;

/// Most codes made in one go from the page.
pub const MAX_CODES_AT_ONCE: usize = 2000;

impl From<InviteError> for Problem {
    fn from(e: InviteError) -> Problem {
        match e {
            InviteError::Db(e) => Problem::unavailable(e),
            e => Problem::new(status_of(&e), "无法操作", e.zh()),
        }
    }
}

fn status_of(e: &InviteError) -> StatusCode {
    match e {
        InviteError::Closed(_)
        | InviteError::AlreadyRevoked
        | InviteError::AlreadyUsed
        | InviteError::BatchIssued(_) => StatusCode::CONFLICT,
        InviteError::ReasonNeeded(_) => StatusCode::BAD_REQUEST,
        InviteError::NoRound(_) | InviteError::UnknownCode(_) => StatusCode::NOT_FOUND,
        InviteError::Db(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// `GET /desk/rounds/{id}/non-voters.csv`: who has not voted yet (name, delegation), to remind
/// them. Never what anyone chose.
pub async fn get_non_voters(
    _: NotCrossSite,
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
) -> Page {
    let id = round.id;
    let rows = invite::list(&state.pool, id).await?;
    let mut out = CsvOut::new(Vec::new()).map_err(Problem::unavailable)?;
    let mut written = out.row(&[Cell::from("编号"), "姓名".into(), "代表团".into()]);
    let mut count = 0usize;
    for r in rows.iter().filter(|r| !r.used && !r.revoked) {
        count += 1;
        written = written.and(out.row(&[
            Cell::from(r.id),
            r.label.clone().into(),
            r.delegation.clone().into(),
        ]));
    }
    let bytes = written
        .and_then(|()| out.finish())
        .map_err(Problem::unavailable)?;
    audit::log(
        &state.pool,
        &who.login,
        "export.non-voters",
        &format!("round {id}"),
        serde_json::json!({ "rows": count }),
    )
    .await?;
    Ok(download(
        bytes,
        "text/csv; charset=utf-8",
        &format!("round-{id}-non-voters.csv"),
        &format!("{}-未投票名单.csv", round.name),
    ))
}

/// The site's address as the office's browser reached it (`X-Forwarded-Host` from a proxy,
/// else `Host`), when it is a plain host name.
pub fn base_url(headers: &HeaderMap) -> Option<String> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|h: &HeaderValue| h.to_str().ok())
    };
    let valid = |h: &&str| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    };
    // The proxy's forwarded host, else (also when that one is malformed) the Host.
    let host = text(header::HeaderName::from_static("x-forwarded-host"))
        .map(|h| h.split(',').next().unwrap_or("").trim())
        .filter(valid)
        .or_else(|| text(header::HOST).filter(valid))?;
    let https = text(header::HeaderName::from_static("x-forwarded-proto"))
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
}

/// The start of the links on the slips: the public address (`--base-url`, the environment or
/// the stored setting), else the address the office's browser used.
pub async fn slip_base(state: &AppState, headers: &HeaderMap) -> Result<String, sqlx::Error> {
    let public = links::public_base(&state.pool, state.base_url.as_deref()).await?;
    Ok(match public {
        Some(b) => b.to_string(),
        None => base_url(headers).unwrap_or_default(),
    })
}

pub use crate::server::web::qr::qr_svg;

fn slip(base: &str, code: &InviteCode, who: &Invitee) -> Slip {
    let link = format!("{base}{}", code.link_path());
    Slip {
        label: who.label.clone(),
        delegation: who.delegation.clone(),
        code: code.display(),
        qr_svg: qr_svg(&link),
        link,
    }
}

/// The slips' codes as a CSV `data:` URL (the codes exist only in this response).
fn csv_data_url(slips: &[Slip]) -> String {
    let mut out = match CsvOut::new(Vec::new()) {
        Ok(o) => o,
        Err(_) => return String::new(),
    };
    let _ = out.row(&[
        "邀请码".into(),
        "链接".into(),
        "姓名".into(),
        "代表团".into(),
    ]);
    for s in slips {
        let _ = out.row(&[
            s.code.clone().into(),
            s.link.clone().into(),
            s.label.clone().into(),
            s.delegation.clone().into(),
        ]);
    }
    let bytes = out.finish().unwrap_or_default();
    let encoded: String = form_urlencoded::byte_serialize(&bytes).collect();
    format!(
        "data:text/csv;charset=utf-8,{}",
        encoded.replace('+', "%20")
    )
}

async fn invitations_page(
    state: &AppState,
    who: Account,
    round: Round,
    status: StatusCode,
    error: Option<String>,
    names: String,
) -> Page {
    let rows = invite::list(&state.pool, round.id).await?;
    let closed = round.state == RoundState::Closed;
    let open = round.state == RoundState::Open;
    // The key of the batch this form makes: posted twice, it makes one.
    let batch = {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    };
    Ok(render(state, status, "邀请码", move || {
        view! {
            <InvitationsPage
                who
                round_id=round.id
                round_name=round.name
                closed
                open
                rows
                error
                names
                batch
            />
        }
        .into_any()
    }))
}

/// `GET /desk/rounds/{id}/invitations`
pub async fn get_invitations(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
) -> Page {
    invitations_page(&state, who, round, StatusCode::OK, None, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InvitationFields {
    /// One deputy per line, `name[,delegation]`.
    names: String,
    count: String,
    /// Required once the round is open.
    reason: String,
    /// The form's batch key (see `invite::issue_batch`); a post without one (a script) is not
    /// guarded against repeats.
    batch: String,
}

/// Who the codes are for: the pasted list, or a count of unnamed codes.
fn invitees(f: &InvitationFields) -> Result<Vec<Invitee>, String> {
    let count = f.count.trim();
    let invitees = if !f.names.trim().is_empty() {
        invite::parse_invitees(&f.names).map_err(|e| format!("名单有误：{e}"))?
    } else if !count.is_empty() {
        match count.parse::<usize>() {
            Ok(n) if n >= 1 => vec![Invitee::default(); n],
            _ => return Err(format!("数量“{count}”应为正整数。")),
        }
    } else {
        return Err("请粘贴代表名单，或填写数量。".into());
    };
    if invitees.len() > MAX_CODES_AT_ONCE {
        return Err(format!(
            "一次最多生成{MAX_CODES_AT_ONCE}个，现在是{}个。请分批生成。",
            invitees.len()
        ));
    }
    if invitees.is_empty() {
        return Err("名单中没有代表。".into());
    }
    Ok(invitees)
}

/// `POST /desk/rounds/{id}/invitations` with `names` (one deputy per line, `name[,delegation]`)
/// or `count`, and the form's `batch` key: makes the codes and answers with the printable slips
/// (shown only this once). The same form posted again (a reload of the slips, a double tap)
/// makes nothing and says so (409).
pub async fn post_invitations(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
    headers: HeaderMap,
    WebForm(f): WebForm<InvitationFields>,
) -> Page {
    let invitees = match invitees(&f) {
        Ok(v) => v,
        Err(message) => {
            let status = StatusCode::BAD_REQUEST;
            return invitations_page(&state, who, round, status, Some(message), f.names).await;
        }
    };
    let prepared = invite::prepare(&invitees);
    let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
    let batch = Some(f.batch.trim())
        .filter(|b| (16..=64).contains(&b.len()) && b.chars().all(|c| c.is_ascii_hexdigit()));
    let issued =
        invite::issue_batch(&state.pool, round.id, &prepared, reason, &who.login, batch).await;
    if let Err(e) = issued {
        let (status, message) = (status_of(&e), e.zh());
        return invitations_page(&state, who, round, status, Some(message), f.names).await;
    }
    let base = slip_base(&state, &headers).await?;
    let slips: Vec<Slip> = prepared.iter().map(|(c, w)| slip(&base, c, w)).collect();
    Ok(slip_sheet(&state, who, round, slips))
}

fn slip_sheet(state: &AppState, who: Account, round: Round, slips: Vec<Slip>) -> Response {
    let csv = csv_data_url(&slips);
    render(state, StatusCode::OK, "打印邀请码", move || {
        view! {
            <SlipSheet who round_id=round.id round_name=round.name slips csv_data_url=csv />
        }
        .into_any()
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RevokeFields {
    reissue: Option<String>,
    /// `1` once the office confirmed (without it, the confirmation page).
    confirm: Option<String>,
    /// Why, when reissuing after the round opened.
    reason: String,
}

/// `POST /desk/rounds/{id}/invitations/{inv}/revoke` (with `reissue=1`: a new code for the
/// same deputy, shown as a slip).
pub async fn post_revoke(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
    Path((_, inv)): Path<(i64, i64)>,
    headers: HeaderMap,
    WebForm(f): WebForm<RevokeFields>,
) -> Page {
    let id = round.id;
    if f.confirm.as_deref() != Some("1") {
        // Ask first — unless the request is refused anyway: then the refusal says why, here,
        // without acting (what would refuse it may change before `revoke_id` runs: the round
        // may close meanwhile).
        let reissue = f.reissue.as_deref() == Some("1");
        let reason = f.reason.trim().to_string();
        let row = invite::list(&state.pool, id)
            .await?
            .into_iter()
            .find(|r| r.id == inv);
        let checked = match row {
            None => Err(InviteError::UnknownCode(inv)),
            Some(r) if r.revoked => Err(InviteError::AlreadyRevoked),
            Some(r) if r.used => Err(InviteError::AlreadyUsed),
            Some(_) if reissue && round.state == RoundState::Open && reason.is_empty() => {
                Err(InviteError::ReasonNeeded(id))
            }
            Some(r) => Ok(r),
        };
        return match checked {
            Err(e) => {
                let (status, message) = (status_of(&e), e.zh());
                invitations_page(&state, who, round, status, Some(message), String::new()).await
            }
            Ok(row) => Ok(render(&state, StatusCode::OK, "请确认", move || {
                view! { <ConfirmRevoke who round row reissue reason /> }.into_any()
            })),
        };
    }
    let reissue = (f.reissue.as_deref() == Some("1")).then_some(invite::Reissue {
        reason: Some(f.reason.as_str()).filter(|r| !r.trim().is_empty()),
    });
    match invite::revoke_id(&state.pool, id, inv, reissue, &who.login).await {
        Ok(Some(fresh)) => {
            let who_is = Invitee {
                label: fresh.label.clone(),
                delegation: fresh.delegation.clone(),
            };
            let s = slip(&slip_base(&state, &headers).await?, &fresh.code, &who_is);
            Ok(slip_sheet(&state, who, round, vec![s]))
        }
        Ok(None) => Ok(see_other(&format!("/desk/rounds/{id}/invitations"))),
        Err(e) => {
            let (status, message) = (status_of(&e), e.zh());
            invitations_page(&state, who, round, status, Some(message), String::new()).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_that_are_not_host_names_are_not_trusted() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("rd.example.cn:8443"));
        assert_eq!(base_url(&h).unwrap(), "http://rd.example.cn:8443");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(base_url(&h).unwrap(), "https://rd.example.cn:8443");
        h.insert(
            header::HOST,
            HeaderValue::from_static("evil.com/\"><script>"),
        );
        assert_eq!(base_url(&h), None);
        h.insert(
            "x-forwarded-host",
            HeaderValue::from_static("rd.example.cn"),
        );
        assert_eq!(base_url(&h).unwrap(), "https://rd.example.cn");
        // A malformed forwarded host falls back to a good Host, not to a relative link.
        h.insert(header::HOST, HeaderValue::from_static("rd.example.cn:8443"));
        h.insert("x-forwarded-host", HeaderValue::from_static("a b"));
        assert_eq!(base_url(&h).unwrap(), "https://rd.example.cn:8443");
    }

    #[test]
    fn a_qr_code_is_svg() {
        let svg = qr_svg("HTTP://127.0.0.1:3000/V/ABCDE-FGHJK-MNPQR-STVWX");
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
