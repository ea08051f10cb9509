//! The audit trail as a person reads it: each action and each detail's name in Chinese. The
//! stored entries keep their codes (`round.open`, `{"count": 3}`), which the hash chain covers;
//! this is only how the office's page shows them.

/// The action in Chinese, if it is one Ceping records.
pub fn action_zh(action: &str) -> Option<&'static str> {
    Some(match action {
        "account.create" => "新建账号",
        "account.disable" => "停用账号",
        "account.enable" => "启用账号",
        "account.reset-password" => "重置密码",
        "account.change-password" => "修改本人密码",
        "audit-key.create" => "生成审计密钥",
        "count.share" => "监票人提交计票份额",
        "export" => "导出",
        "export.csv" => "导出 CSV",
        "export.xlsx" => "导出 Excel",
        "export.non-voters" => "导出未投票名单",
        "invite.issue" => "发放邀请码",
        "invite.reissue" => "补发邀请码",
        "invite.revoke" => "作废邀请码",
        "invite.reported-used" => "代表报告邀请码已被他人使用",
        "plan.import" => "导入工作方案",
        "handling.sample" => "载入示例办理数据",
        "handling.settings" => "设置报送月份",
        "handling.sample-remove" => "删除示例办理数据",
        "report.submit" => "报送月度进展",
        "report.accept" => "审核通过月度进展",
        "report.return" => "退回月度进展",
        "report.audit" => "设定审核值",
        "round.create" => "新建测评轮次",
        "round.configure" => "修改计算方法",
        "round.indicators" => "设置指标体系",
        "round.open" => "开始测评",
        "round.close" => "结束测评",
        "round.count" => "开启计票",
        "score.submit" => "提交评分",
        "session.end" => "结束一个会话",
        "subplan.submit" => "报送分方案",
        "subplan.approve" => "审核通过分方案",
        "subplan.return" => "退回分方案",
        "session.end-all" => "结束全部会话",
        "setting.base-url" => "设置公开网址",
        "sign-in" => "登录",
        "sign-in.code-failed" => "动态验证码错误",
        "tellers.set" => "指定监票人",
        "tellers.keys-made" => "监票人生成密钥",
        "tellers.solo" => "试用：一人生成全部监票密钥",
        "totp.enable" => "开启两步验证",
        "totp.remove" => "移除两步验证",
        "totp.recovery-used" => "使用恢复码登录",
        "totp.require" => "设置两步验证要求",
        _ => return None,
    })
}

/// A detail's name in Chinese (the name itself if it has none here).
fn key_zh(key: &str) -> &str {
    match key {
        "count" => "数量",
        "first_id" => "起始编号",
        "last_id" => "末尾编号",
        "after_opening" => "测评开始后",
        "reason" => "理由",
        "role" => "类型",
        "id" => "编号",
        "ended" => "结束会话数",
        "kept_current" => "保留本会话",
        "in_a_row" => "连续次数",
        "closed" => "已暂停登录",
        "left" => "剩余恢复码",
        "recovery_codes" => "恢复码",
        "other_sessions_ended" => "结束的其他会话",
        "sessions_ended" => "结束的会话",
        "required_of" => "要求范围",
        "with" => "登录方式",
        "path" => "位置",
        "invitation" => "邀请码编号",
        "teller" => "监票人",
        "tellers" => "监票人",
        "threshold" => "门限",
        "ballots" => "选票数",
        "comments" => "意见数",
        "rows" => "行数",
        "bytes" => "字节",
        "format" => "格式",
        "base_url" => "公开网址",
        "note" => "说明",
        "session" => "会话",
        "error" => "错误",
        "after_step" => "步骤",
        "unit" => "单位编号",
        "subplans" => "分方案数",
        "subplan_due" => "分方案截止",
        "first" => "首个报送月",
        "last" => "末个报送月",
        "due_day" => "每月截止日",
        "reports" => "报告数",
        "version" => "版本",
        "indicators" => "指标数",
        "period" => "月份",
        "subplan" => "分方案编号",
        "code" => "指标编号",
        "reported" => "报送值",
        "audited" => "审核值",
        other => other,
    }
}

/// The details as name–value pairs in Chinese: an object's fields in their stored (alphabetical)
/// order, `true`/`false` as
/// 是/否, `null` as 无, nested values as JSON; anything else as one value without a name.
pub fn detail_zh(detail: &str) -> Vec<(String, String)> {
    use serde_json::Value;
    let value = |v: &Value| match v {
        Value::Bool(true) => "是".to_string(),
        Value::Bool(false) => "否".to_string(),
        Value::Null => "无".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match serde_json::from_str::<Value>(detail) {
        Ok(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (key_zh(k).to_string(), value(v)))
            .collect(),
        Ok(Value::Null) => Vec::new(),
        Ok(other) => vec![(String::new(), value(&other))],
        Err(_) => vec![(String::new(), detail.to_string())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_details_read_in_chinese() {
        assert_eq!(action_zh("round.open"), Some("开始测评"));
        assert_eq!(action_zh("totp.enable"), Some("开启两步验证"));
        assert_eq!(action_zh("something.new"), None);
        let detail = r#"{"count":3,"after_opening":true,"reason":null,"custom":[1,2]}"#;
        assert_eq!(
            detail_zh(detail),
            [
                ("测评开始后".to_string(), "是".to_string()),
                ("数量".to_string(), "3".to_string()),
                ("custom".to_string(), "[1,2]".to_string()),
                ("理由".to_string(), "无".to_string()),
            ]
        );
        assert!(detail_zh("{}").is_empty() && detail_zh("null").is_empty());
        assert_eq!(
            detail_zh("not json"),
            [(String::new(), "not json".to_string())]
        );
    }
}
