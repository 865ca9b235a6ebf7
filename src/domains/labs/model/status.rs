//! A project's state: how it is stored, how the original numbers it, and
//! what `opt_status` shows.

use super::*;

/// How far a project is, as stored in `labs_projects.opt_status`.
pub mod stage {
    pub const SUBMITTED: i64 = 0;
    pub const APPROVED: i64 = 1;
    pub const FINISHED: i64 = 2;
    pub const REJECTED: i64 = 3;
}

/// The `opt_status` a project shows, as the original server stored it:
/// 2 rejected, else 0; whether it is waiting, under way, overdue or
/// finished the front-end reads from `start_time`, `end_time` and
/// `duration` (`common.js` `getProjStatus`).
pub fn shown_opt_status(stored: i64) -> i64 {
    if stored == stage::REJECTED { 2 } else { 0 }
}

/// A project state as the original names it (`ProjectStatusValue`): what
/// `status` asks lists and counts for, and what `project/review` moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    All = 0,
    Creating = 1,
    Rejected = 2,
    Processing = 3,
    Canceled = 4,
    Complete = 5,
    Overtime = 6,
    Requesting = 7,
}

impl Status {
    /// A `status` value, 0 to 7.
    pub fn from_code(code: i64) -> Result<Status, Error> {
        Ok(match code {
            0 => Status::All,
            1 => Status::Creating,
            2 => Status::Rejected,
            3 => Status::Processing,
            4 => Status::Canceled,
            5 => Status::Complete,
            6 => Status::Overtime,
            7 => Status::Requesting,
            _ => {
                return Err(failed(
                    "status 只能是 0（全部）、1（待审核）、2（已拒绝）、3（进行中）、4（已取消）、5（已完成）、6（已超时）或 7（请求中）",
                ));
            }
        })
    }

    /// The SQL condition on `p` (a `labs_projects` row) for this state,
    /// with the current unix time as parameter `now`. A duration of 0 sets
    /// no deadline. onebox has no cancelling and no change requests, so
    /// nothing is ever 4 or 7.
    pub fn condition(self, now: &str) -> String {
        let (approved, submitted, finished, rejected) = (
            stage::APPROVED,
            stage::SUBMITTED,
            stage::FINISHED,
            stage::REJECTED,
        );
        match self {
            Status::All => "1".into(),
            Status::Creating => format!("p.opt_status = {submitted}"),
            Status::Rejected => format!("p.opt_status = {rejected}"),
            Status::Processing => format!(
                "p.opt_status = {approved} AND (p.duration = 0 OR p.start_time + p.duration > {now})"
            ),
            Status::Complete => format!("p.opt_status = {finished}"),
            Status::Overtime => format!(
                "p.opt_status = {approved} AND p.duration > 0 AND p.start_time + p.duration <= {now}"
            ),
            Status::Canceled | Status::Requesting => "0".into(),
        }
    }

    /// The stage `project/review` moves a project to: 3 approves (进行中),
    /// 5 finishes (已完成), 2 rejects (已拒绝).
    pub fn review_stage(code: i64) -> Result<i64, Error> {
        match Status::from_code(code) {
            Ok(Status::Processing) => Ok(stage::APPROVED),
            Ok(Status::Complete) => Ok(stage::FINISHED),
            Ok(Status::Rejected) => Ok(stage::REJECTED),
            _ => Err(failed(
                "opt_status 只能是 3（通过，进行中）、5（已完成）或 2（已拒绝）",
            )),
        }
    }
}
