//! The teller's page: a frame with every part the script shows or hides. Until the script runs
//! it says why it needs JavaScript (the key is made in this browser, never on the server) and gives the
//! command-line way.

use leptos::prelude::*;

#[component]
pub fn TellerPage(
    round_id: i64,
    round_name: String,
    /// From 1.
    n: usize,
    name: String,
    total: usize,
    threshold: usize,
    /// The checking period, in minutes after closing.
    check_minutes: u32,
) -> impl IntoView {
    let id = round_id;
    view! {
        <header class="top">
            <a class="brand" href="/">"测评"</a>
            <span class="plan-name">"监票人"</span>
        </header>
        <main class="page teller-page" id="teller" data-round=id.to_string() data-teller=n.to_string()>
            <h1>{format!("第{n}位监票人：{name}")}</h1>
            <p class="lead-in">{round_name}</p>
            <p>
                {format!(
                    "本轮共{total}位监票人，任意{threshold}位一起才能开启计票。您的密钥在本机浏览器中生成，只保存在您下载的密钥文件里；服务器只收到公开的部分，无法代您计票，也无法单独开启任何选票。",
                )}
            </p>
            <p class="meta" id="check-period">
                {match check_minutes {
                    0 => "本轮没有核对期：测评结束后即可提交计票份额。如果您认为需要给代表留出核对选票的时间，请在生成密钥前告知办公室。".to_string(),
                    m => format!("本轮核对期：测评结束后 {m} 分钟内不能提交计票份额，供代表核对自己的选票是否在列。"),
                }}
            </p>
            // Shown until the page's script starts (it removes it): without JavaScript, or in a
            // browser too old for WebAssembly, this is what the teller reads.
            <div class="alert alert-error" role="alert" id="teller-nojs">
                "本页需要启用 JavaScript：密钥在您的浏览器中生成，不经过服务器。也可以在自己的电脑上用命令行完成："
                <pre class="cli">
                    {format!("ceping tellers keygen --round {id} --teller {n} --key 监票人{n}.json")}
                </pre>
            </div>
            <p id="teller-status" class="alert alert-review" role="status" aria-live="polite" hidden>
                "正在读取……"
            </p>
            <p id="teller-error" class="alert alert-error" role="alert" hidden></p>
            <p id="teller-trial" class="alert alert-error" role="note" hidden>
                "试用轮次：全部监票人密钥由一人生成，本轮选票不保密，不能用于正式测评。"
            </p>

            <section class="card" id="teller-file" hidden>
                <h2>"我的密钥"</h2>
                <p id="file-state" class="meta"></p>
                <div class="actions">
                    <button type="button" class="button primary" id="teller-start" hidden>
                        "在本机生成我的密钥"
                    </button>
                    <label class="button secondary file-pick" id="teller-load-label">
                        "载入我的密钥文件"
                        <input type="file" id="teller-load" accept=".json,application/json" />
                    </label>
                </div>
            </section>

            <section class="card" id="teller-fingerprint" hidden>
                <h2>"核对校验码"</h2>
                <p>
                    "每位监票人都已公布自己的部分。发送任何密钥份额之前，请与其他每位监票人（当面或电话）逐字核对下面这串校验码："
                </p>
                <p class="fingerprint">
                    <code id="fingerprint"></code>
                </p>
                <div class="actions">
                    <button type="button" class="button primary" id="teller-confirm">
                        "与其他监票人核对一致，继续"
                    </button>
                </div>
                <p class="meta">
                    "如果有任何一位监票人看到的不同，请不要继续，并立即告知办公室和其他监票人：有人改动了监票人看到的数据。"
                </p>
            </section>

            <section class="card" id="teller-save" hidden>
                <h2>"保存密钥文件"</h2>
                <p id="save-why">
                    "密钥文件就是您的密钥：没有它，您不能参加计票；任何拿到它的人都可以代替您计票。请保存到只有您能接触的地方，并另存一份备份。"
                </p>
                <div class="actions">
                    <button type="button" class="button primary" id="teller-download">
                        "下载密钥文件"
                    </button>
                    <button type="button" class="button secondary" id="teller-print">
                        "打印纸质备份"
                    </button>
                </div>
            </section>

            <section class="card" id="teller-count" hidden>
                <h2>"计票"</h2>
                <p id="count-state"></p>
                <div class="actions">
                    <button type="button" class="button primary" id="teller-count-go" hidden>
                        "用我的密钥开启计票"
                    </button>
                </div>
            </section>

            <section class="card" id="teller-check" hidden>
                <h2>"提交前核对"</h2>
                <p>"本机汇总了 " <b id="check-ballots"></b> " 张密封选票。选票清单校验码："</p>
                <p class="fingerprint">
                    <code id="check-list"></code>
                </p>
                <ul>
                    <li>"张数应等于办公室公布的投票人数；"</li>
                    <li>
                        "校验码应与"
                        <a id="check-track" href="/">"核对页面"</a>
                        "上公布的完全一致（代表们在那里核对自己的选票），并与其他监票人电话核对。"
                    </li>
                </ul>
                <p class="meta" id="check-wait" hidden></p>
                <div class="actions">
                    <button type="button" class="button primary" id="teller-share">
                        "核对一致，提交我的计票份额"
                    </button>
                    <button type="button" class="button secondary" id="teller-dont">
                        "不一致，不提交"
                    </button>
                </div>
            </section>

            <section class="paper-backup" id="teller-paper" aria-hidden="true">
                <h2>{format!("测评系统 监票人密钥备份 · 第{n}位监票人 {name}")}</h2>
                <p>
                    "这是监票人密钥文件的全部内容。恢复时，把下面的文字原样保存为 .json 文件，在监票人页面载入。请像保管密码一样保管本页。"
                </p>
                <pre id="paper-text"></pre>
            </section>
        </main>
        <script type="module" src="/pkg/teller/teller.js"></script>
    }
}
