//! The asset report (`report/`) and its chart (`report/chart.svg`).
//!
//! Every figure counts the records dated within `?start=&end=` (bills by
//! `time`, deposits by `start_time`, loans by `time`; all time without
//! them). `net` is income minus expense; outstanding loan amounts are what
//! is not repaid yet; `net_worth` is net + savings + lent − borrowed.

use super::ledger::query;
use super::{Call, Caller};
use crate::domains::family::envelope::Error;
use crate::domains::family::input::RecordQuery;
use crate::domains::family::model;
use crate::domains::family::model::User;
use crate::domains::family::store::{self, Scope, Sums};
use crate::endpoint::Input;
use crate::money::Amount;
use crate::web::escape_html;

/// A computed report, in cents.
struct Report {
    family_scope: bool,
    totals: Sums,
    /// (`2019-12`, income, expense), every month from the first to the last
    /// with bills.
    months: Vec<(String, i64, i64)>,
    /// (username, sums) per member, for a parent's family scope.
    members: Vec<(String, Sums)>,
}

impl Report {
    fn net(&self) -> i64 {
        self.totals.income - self.totals.expense
    }

    fn net_worth(&self) -> i64 {
        self.net() + self.totals.savings + self.totals.lent_outstanding
            - self.totals.borrowed_outstanding
    }
}

async fn build(call: Call, user: User, records: RecordQuery) -> Result<Report, Error> {
    let (scope, period) = query(records, &user)?;
    let data = call
        .app
        .db
        .read(move |conn| store::report(conn, scope, period))
        .await?;
    let mut totals = Sums::default();
    for (_, _, _, sums) in &data.owners {
        totals.income += sums.income;
        totals.expense += sums.expense;
        totals.savings += sums.savings;
        totals.lent_outstanding += sums.lent_outstanding;
        totals.borrowed_outstanding += sums.borrowed_outstanding;
    }
    let family_scope = matches!(scope, Scope::Family(_));
    Ok(Report {
        family_scope,
        totals,
        months: fill_months(data.months),
        members: if family_scope {
            data.owners
                .into_iter()
                .map(|(_, name, _, sums)| (name, sums))
                .collect()
        } else {
            Vec::new()
        },
    })
}

/// Adds the months without bills between the first and the last.
fn fill_months(months: Vec<(String, i64, i64)>) -> Vec<(String, i64, i64)> {
    let parse = |m: &str| -> Option<(i32, u32)> {
        let (y, m) = m.split_once('-')?;
        Some((y.parse().ok()?, m.parse().ok()?))
    };
    let (Some(first), Some(last)) = (
        months.first().and_then(|m| parse(&m.0)),
        months.last().and_then(|m| parse(&m.0)),
    ) else {
        return months;
    };
    let mut filled = Vec::new();
    let mut given = months.into_iter().peekable();
    let (mut year, mut month) = first;
    while (year, month) <= last {
        let key = format!("{year:04}-{month:02}");
        match given.peek() {
            Some((m, _, _)) if *m == key => filled.extend(given.next()),
            _ => filled.push((key, 0, 0)),
        }
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    filled
}

/// GET report/: `?scope=self|family&start=&end=`.
pub async fn report(
    call: Call,
    Caller { user, .. }: Caller,
    Input(records): Input<RecordQuery>,
) -> Result<model::ReportJson, Error> {
    let report = build(call, user, records).await?;
    let t = &report.totals;
    Ok(model::ReportJson {
        scope: if report.family_scope {
            "family"
        } else {
            "self"
        },
        income: Amount(t.income),
        expense: Amount(t.expense),
        net: Amount(report.net()),
        savings: Amount(t.savings),
        lent_outstanding: Amount(t.lent_outstanding),
        borrowed_outstanding: Amount(t.borrowed_outstanding),
        net_worth: Amount(report.net_worth()),
        months: report
            .months
            .iter()
            .map(|(month, income, expense)| model::MonthJson {
                month: month.clone(),
                income: Amount(*income),
                expense: Amount(*expense),
            })
            .collect(),
        members: report
            .members
            .iter()
            .map(|(username, s)| model::MemberJson {
                username: username.clone(),
                income: Amount(s.income),
                expense: Amount(s.expense),
                net: Amount(s.income - s.expense),
            })
            .collect(),
    })
}

/// GET report/chart.svg: the per-month series as a bar chart (income and
/// expense side by side), same parameters as `report/`.
pub async fn chart(
    call: Call,
    Caller { user, .. }: Caller,
    Input(records): Input<RecordQuery>,
) -> Result<String, Error> {
    let report = build(call, user, records).await?;
    Ok(svg(&report))
}

fn yuan(cents: i64) -> String {
    serde_json::to_string(&Amount(cents)).unwrap_or_default()
}

/// A round step for about five grid lines up to `max` (yuan).
fn grid_step(max: f64) -> f64 {
    let raw = (max / 5.0).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude)
}

fn svg(report: &Report) -> String {
    let plot = Plot::of(report);
    let mut out = heading(report, &plot);
    out.push_str(&legend(&plot));
    out.push_str(&grid(&plot));
    if report.months.is_empty() {
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#888" font-size="14">这段时间没有账单</text>
"##,
            plot.left + plot.width / 2.0,
            plot.top + plot.height / 2.0
        ));
    }
    out.push_str(&bars(report, &plot));
    out.push_str("</svg>\n");
    out
}

const INCOME_COLOR: &str = "#2e7d32";
const EXPENSE_COLOR: &str = "#c62828";
/// The width each month takes on the chart.
const SLOT: f64 = 56.0;

/// Where the chart's plot area is, and the value at its top.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    width: f64,
    height: f64,
    /// The whole picture's size.
    total_width: f64,
    total_height: f64,
    /// The grid's step and the value at the top of the plot, in yuan.
    step: f64,
    top_value: f64,
}

impl Plot {
    fn of(report: &Report) -> Plot {
        let (left, right, top, bottom) = (80.0, 24.0, 70.0, 70.0);
        let width = (report.months.len() as f64 * SLOT).max(480.0);
        let height = 260.0;
        let max_cents = report
            .months
            .iter()
            .flat_map(|(_, i, e)| [*i, *e])
            .max()
            .unwrap_or(0);
        let step = grid_step(max_cents as f64 / 100.0);
        let top_value = (((max_cents as f64 / 100.0) / step).ceil().max(1.0)) * step;
        Plot {
            left,
            right,
            top,
            width,
            height,
            total_width: left + width + right,
            total_height: top + height + bottom,
            step,
            top_value,
        }
    }

    /// The height on the picture of an amount.
    fn y_of(&self, cents: i64) -> f64 {
        self.top + self.height - (cents as f64 / 100.0) / self.top_value * self.height
    }

    /// The plot's bottom line.
    fn bottom(&self) -> f64 {
        self.top + self.height
    }
}

/// The picture's opening, its title and the totals line.
fn heading(report: &Report, plot: &Plot) -> String {
    let (width, height, left) = (plot.total_width, plot.total_height, plot.left);
    let t = &report.totals;
    let title = if report.family_scope {
        "家庭收支（按月）"
    } else {
        "个人收支（按月）"
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif" font-size="12">
<title>{title}</title>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="{left}" y="24" font-size="16" font-weight="bold">{title}</text>
<text x="{left}" y="44" fill="#444">收入 {} · 支出 {} · 净额 {} · 储蓄 {} · 净资产 {}</text>
"##,
        yuan(t.income),
        yuan(t.expense),
        yuan(report.net()),
        yuan(t.savings),
        yuan(report.net_worth()),
    )
}

/// The colours' key, top right.
fn legend(plot: &Plot) -> String {
    let legend_x = plot.total_width - plot.right - 150.0;
    format!(
        r##"<rect x="{legend_x}" y="14" width="12" height="12" fill="{INCOME_COLOR}"/><text x="{}" y="24">收入</text>
<rect x="{}" y="14" width="12" height="12" fill="{EXPENSE_COLOR}"/><text x="{}" y="24">支出</text>
"##,
        legend_x + 16.0,
        legend_x + 70.0,
        legend_x + 86.0
    )
}

/// The grid lines with their amounts, and the axis.
fn grid(plot: &Plot) -> String {
    let (left, top) = (plot.left, plot.top);
    let mut out = String::new();
    let mut value = 0.0;
    while value <= plot.top_value + plot.step / 2.0 {
        let y = top + plot.height - value / plot.top_value * plot.height;
        out.push_str(&format!(
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e0e0e0"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">{}</text>
"##,
            left + plot.width,
            left - 8.0,
            y + 4.0,
            value
        ));
        value += plot.step;
    }
    out.push_str(&format!(
        r##"<line x1="{left}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#333"/>
"##,
        plot.bottom(),
        left + plot.width
    ));
    out
}

/// Each month's income and expense bars, and its label.
fn bars(report: &Report, plot: &Plot) -> String {
    let mut out = String::new();
    let bar = SLOT * 0.34;
    for (n, (month, income, expense)) in report.months.iter().enumerate() {
        let x = plot.left + n as f64 * SLOT + SLOT * 0.14;
        for (offset, cents, color, what) in [
            (0.0, *income, INCOME_COLOR, "收入"),
            (bar + 2.0, *expense, EXPENSE_COLOR, "支出"),
        ] {
            let y = plot.y_of(cents);
            out.push_str(&format!(
                r##"<rect x="{:.1}" y="{y:.1}" width="{bar:.1}" height="{:.1}" fill="{color}"><title>{} {what} {}</title></rect>
"##,
                x + offset,
                plot.bottom() - y,
                escape_html(month),
                yuan(cents)
            ));
        }
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" transform="rotate(-45 {0:.1} {1:.1})" fill="#333">{}</text>
"##,
            x + bar,
            plot.bottom() + 16.0,
            escape_html(month)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_without_bills_are_filled_in() {
        let filled = fill_months(vec![("2019-11".into(), 1, 0), ("2020-02".into(), 0, 2)]);
        let names: Vec<&str> = filled.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(names, ["2019-11", "2019-12", "2020-01", "2020-02"]);
        assert_eq!(filled[3], ("2020-02".to_string(), 0, 2));
    }

    #[test]
    fn negative_amounts_stay_numbers() {
        assert_eq!(yuan(-1250), "-12.5");
        assert_eq!(yuan(-1200), "-12");
        assert_eq!(yuan(5), "0.05");
    }

    #[test]
    fn grid_steps_are_round() {
        assert_eq!(grid_step(9000.0), 2000.0);
        assert_eq!(grid_step(0.0), 1.0);
        assert_eq!(grid_step(120.0), 50.0);
    }
}
