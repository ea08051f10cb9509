//! The liaison's two forms as posted: the sub-plan (one row of fields per indicator and per
//! milestone, `i{n}_{field}` and `m{n}_{field}`) and the monthly report (`v{code}`, `n{code}`
//! per indicator; `s{task}`, `r{task}`, `t{task}` per task). Each is read as typed, so that a
//! refusal shows the form again as the liaison left it, every fault named by its row.

use crate::components::format::fmt_weight;
use crate::handling::report::{check_task, check_value};
use crate::handling::subplan::{
    IndicatorDraft, MAX_ROWS, MAX_TEXT_CHARS, MilestoneDraft, check_indicator, check_milestone,
};
use crate::server::repo::handling::{Report, ReportForm, Subplan, SubplanForm};
use std::collections::BTreeMap;

/// Blank indicator rows a form offers beyond the filled ones.
pub const SPARE_ROWS: usize = 3;

/// The sub-plan form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubplanDraftForm {
    pub measures: String,
    /// (the indicator's code, empty for a new one; its fields).
    pub indicators: Vec<(String, IndicatorDraft)>,
    pub milestones: Vec<MilestoneDraft>,
    /// `save` (keep the draft) or `submit` (and send it to the office).
    pub action: String,
}

/// The row number and field of a key such as `i3_name`.
fn row_key(key: &str, prefix: char) -> Option<(usize, &str)> {
    let rest = key.strip_prefix(prefix)?;
    let (n, field) = rest.split_once('_')?;
    let n: usize = n.parse().ok()?;
    (n < MAX_ROWS).then_some((n, field))
}

impl SubplanDraftForm {
    pub fn from_body(body: &[u8]) -> SubplanDraftForm {
        SubplanDraftForm::from_pairs(form_urlencoded::parse(body))
    }

    /// The form from its fields as posted (a web form's, or a multipart post's text fields).
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> SubplanDraftForm {
        let mut form = SubplanDraftForm::default();
        let mut inds: BTreeMap<usize, (String, IndicatorDraft)> = BTreeMap::new();
        let mut ms: BTreeMap<usize, MilestoneDraft> = BTreeMap::new();
        for (key, value) in pairs {
            let value = value.as_ref().to_string();
            match key.as_ref() {
                "measures" => form.measures = value,
                "action" => form.action = value,
                k => {
                    if let Some((n, field)) = row_key(k, 'i') {
                        let (code, d) = inds.entry(n).or_default();
                        match field {
                            "code" => *code = value,
                            "task" => d.task_id = value,
                            "name" => d.name = value,
                            "unit" => d.measure_unit = value,
                            "baseline" => d.baseline = value,
                            "target" => d.target = value,
                            "direction" => d.direction = value,
                            "starts" => d.starts_on = value,
                            "due" => d.due_on = value,
                            "weight" => d.weight = value,
                            _ => {}
                        }
                    } else if let Some((n, field)) = row_key(k, 'm') {
                        let m = ms.entry(n).or_default();
                        match field {
                            "task" => m.task_id = value,
                            "due" => m.due_on = value,
                            "what" => m.what = value,
                            _ => {}
                        }
                    }
                }
            }
        }
        form.indicators = inds
            .into_values()
            .filter(|(_, d)| {
                ![&d.name, &d.baseline, &d.target, &d.starts_on, &d.due_on]
                    .iter()
                    .all(|f| f.trim().is_empty())
            })
            .collect();
        form.milestones = ms
            .into_values()
            .filter(|m| !(m.due_on.trim().is_empty() && m.what.trim().is_empty()))
            .collect();
        form
    }

    /// The form filled from a stored version (to edit it, or to start the next version).
    pub fn from_stored(plan: &Subplan) -> SubplanDraftForm {
        SubplanDraftForm {
            measures: plan.measures.clone(),
            indicators: plan
                .indicators
                .iter()
                .map(|(code, i)| {
                    (
                        code.to_string(),
                        IndicatorDraft {
                            task_id: i.task_id.to_string(),
                            name: i.name.clone(),
                            measure_unit: i.measure_unit.clone(),
                            baseline: fmt_weight(i.baseline),
                            target: fmt_weight(i.target),
                            direction: i.direction.as_str().into(),
                            starts_on: i.starts_on.to_string(),
                            due_on: i.due_on.to_string(),
                            weight: fmt_weight(i.weight),
                        },
                    )
                })
                .collect(),
            milestones: plan
                .milestones
                .iter()
                .map(|m| MilestoneDraft {
                    task_id: m.task_id.to_string(),
                    due_on: m.due_on.to_string(),
                    what: m.what.clone(),
                })
                .collect(),
            action: String::new(),
        }
    }

    /// Checks every row against the unit's tasks; every fault is named with its row.
    pub fn check(&self, tasks: &[i64]) -> Result<SubplanForm, Vec<String>> {
        let mut faults = Vec::new();
        if self.measures.chars().count() > MAX_TEXT_CHARS {
            faults.push(format!("工作措施不能超过{MAX_TEXT_CHARS}个字。"));
        }
        if self.indicators.len() > MAX_ROWS || self.milestones.len() > MAX_ROWS {
            faults.push(format!("指标和节点各不能超过{MAX_ROWS}行。"));
        }
        let mut indicators = Vec::new();
        for (row, (code, d)) in self.indicators.iter().enumerate() {
            match check_indicator(d, tasks) {
                Ok(i) => indicators.push((code.trim().parse().ok(), i)),
                Err(es) => faults.extend(
                    es.into_iter()
                        .map(|(_, e)| format!("第{}项指标：{e}", row + 1)),
                ),
            }
        }
        let mut milestones = Vec::new();
        for (row, d) in self.milestones.iter().enumerate() {
            match check_milestone(d, tasks) {
                Ok(m) => milestones.push(m),
                Err(es) => faults.extend(
                    es.into_iter()
                        .map(|(_, e)| format!("第{}个节点：{e}", row + 1)),
                ),
            }
        }
        if !faults.is_empty() {
            return Err(faults);
        }
        Ok(SubplanForm {
            measures: self.measures.trim().to_string(),
            indicators,
            milestones,
        })
    }
}

/// The report form as typed: per indicator code (value, note), per task (status, reason,
/// narrative).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportDraftForm {
    pub values: BTreeMap<i64, (String, String)>,
    pub tasks: BTreeMap<i64, (String, String, String)>,
}

impl ReportDraftForm {
    pub fn from_body(body: &[u8]) -> ReportDraftForm {
        ReportDraftForm::from_pairs(form_urlencoded::parse(body))
    }

    /// The form from its fields as posted.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> ReportDraftForm {
        let mut form = ReportDraftForm::default();
        for (key, value) in pairs {
            let mut chars = key.as_ref().chars();
            let Some(kind) = chars.next() else { continue };
            let Ok(id) = chars.as_str().parse::<i64>() else {
                continue;
            };
            let value = value.as_ref().to_string();
            match kind {
                'v' => form.values.entry(id).or_default().0 = value,
                'n' => form.values.entry(id).or_default().1 = value,
                's' => form.tasks.entry(id).or_default().0 = value,
                'r' => form.tasks.entry(id).or_default().1 = value,
                't' => form.tasks.entry(id).or_default().2 = value,
                _ => {}
            }
        }
        form
    }

    /// The form filled from an earlier version (the one the office returned).
    pub fn from_stored(report: &Report) -> ReportDraftForm {
        ReportDraftForm {
            values: report
                .values
                .iter()
                .map(|(c, v, n)| (*c, (fmt_weight(*v), n.clone())))
                .collect(),
            tasks: report
                .tasks
                .iter()
                .map(|(t, s, r, n)| (*t, (s.as_str().into(), r.clone(), n.clone())))
                .collect(),
        }
    }

    /// Checks the form against the indicators (code, name) and tasks (id, label) it must cover.
    pub fn check(
        &self,
        indicators: &[(i64, String)],
        tasks: &[(i64, String)],
    ) -> Result<ReportForm, Vec<String>> {
        let mut faults = Vec::new();
        let mut values = Vec::new();
        for (code, name) in indicators {
            let (raw, note) = self.values.get(code).cloned().unwrap_or_default();
            match check_value(&raw, &note) {
                Ok((v, note)) => values.push((*code, v, note)),
                Err(es) => faults.extend(es.into_iter().map(|(_, e)| format!("指标“{name}”：{e}"))),
            }
        }
        let mut statuses = Vec::new();
        for (task, label) in tasks {
            let (status, reason, narrative) = self.tasks.get(task).cloned().unwrap_or_default();
            match check_task(&status, &reason, &narrative) {
                Ok((s, reason, narrative)) => statuses.push((*task, s, reason, narrative)),
                Err(es) => faults.extend(es.into_iter().map(|(_, e)| format!("任务{label}：{e}"))),
            }
        }
        if !faults.is_empty() {
            return Err(faults);
        }
        Ok(ReportForm {
            values,
            tasks: statuses,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handling::report::TaskStatus;

    #[test]
    fn a_sub_plan_form_keeps_filled_rows_in_order_and_names_each_fault() {
        let body = "measures=%E4%B8%93%E7%8F%AD&action=submit\
            &i1_code=&i1_task=5&i1_name=&i1_target=&i1_direction=higher\
            &i0_code=3&i0_task=5&i0_name=%E4%B8%8A%E4%BA%91&i0_unit=%E5%AE%B6&i0_baseline=0\
            &i0_target=100&i0_direction=higher&i0_starts=2020-05-01&i0_due=2020-12-31&i0_weight=2\
            &i2_task=9&i2_name=x&i2_target=abc&i2_direction=higher&i2_starts=2020-05-01\
            &i2_due=2020-04-01\
            &m0_task=5&m0_due=2020-06-30&m0_what=%E7%BB%86%E5%88%99&m1_due=&m1_what=\
            &i999_name=beyond";
        let form = SubplanDraftForm::from_body(body.as_bytes());
        assert_eq!(form.action, "submit");
        // The blank row 1 is dropped; the row past MAX_ROWS is ignored.
        assert_eq!(form.indicators.len(), 2);
        assert_eq!(form.indicators[0].0, "3");
        assert_eq!(form.milestones.len(), 1);
        let faults = form.check(&[5]).unwrap_err();
        assert!(
            faults.iter().all(|f| f.starts_with("第2项指标：")),
            "{faults:?}"
        );
        // Task 9 is not the unit's, "abc" is no number, the due day is before the start.
        assert_eq!(faults.len(), 3, "{faults:?}");
        let ok = SubplanDraftForm {
            indicators: form.indicators[..1].to_vec(),
            ..form
        }
        .check(&[5])
        .unwrap();
        assert_eq!(ok.indicators[0].0, Some(3));
        assert_eq!(ok.indicators[0].1.weight, 2.0);
        assert_eq!(ok.measures, "专班");
    }

    #[test]
    fn a_report_form_needs_every_value_and_every_status() {
        let body = "v3=1%2C200&n3=%E5%8F%B0%E8%B4%A6&v4=&s5=behind&r5=&s6=on_track&t6=ok&vx=1";
        let form = ReportDraftForm::from_body(body.as_bytes());
        let inds = [(3, "上云".to_string()), (4, "基站".to_string())];
        let tasks = [(5, "(一)1".to_string()), (6, "(一)2".to_string())];
        let faults = form.check(&inds, &tasks).unwrap_err();
        assert_eq!(
            faults,
            vec![
                "指标“基站”：请填写截至本月的完成值。".to_string(),
                "任务(一)1：标为“滞后”的，请说明原因。".to_string(),
            ]
        );
        let mut fixed = form.clone();
        fixed.values.insert(4, ("40".into(), String::new()));
        fixed
            .tasks
            .insert(5, ("behind".into(), "资金未到位".into(), String::new()));
        let ok = fixed.check(&inds, &tasks).unwrap();
        assert_eq!(ok.values[0], (3, 1200.0, "台账".to_string()));
        assert_eq!(ok.tasks[0].1, TaskStatus::Behind);
    }
}
