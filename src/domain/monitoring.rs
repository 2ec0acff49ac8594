//! Activity progress, the risk log and the issue log: vocabularies and their rules.

use super::{FieldError, vocabulary};
use chrono::NaiveDate;

vocabulary! {
    /// How an activity of the work plan stands in a quarter.
    ActivityStatus {
        NotStarted = "not_started",
        OnTrack = "on_track",
        Delayed = "delayed",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

vocabulary! {
    /// UNDP risk categories.
    RiskCategory {
        Environmental = "environmental",
        Financial = "financial",
        Operational = "operational",
        Organizational = "organizational",
        Political = "political",
        Regulatory = "regulatory",
        Strategic = "strategic",
        SafetySecurity = "safety_security",
        Social = "social",
    }
}

vocabulary! {
    /// Whether a risk still needs watching.
    RiskStatus {
        Open = "open",
        Monitoring = "monitoring",
        Closed = "closed",
    }
}

vocabulary! {
    /// What kind of issue (UNDP POPP issue log): a problem or concern, a request for a change
    /// to the project, or a deliverable that does not meet its specification.
    IssueType {
        General = "general",
        RequestForChange = "request_for_change",
        OffSpecification = "off_specification",
    }
}

vocabulary! {
    /// How urgently an issue needs a response.
    IssuePriority {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

vocabulary! {
    /// Where an issue's response stands.
    IssueStatus {
        Open = "open",
        InProgress = "in_progress",
        Closed = "closed",
    }
}

/// An issue is raised within the project's dates; a closed issue says when it was closed,
/// an open one does not, and nothing closes before it is raised.
pub fn check_issue(
    raised_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    status: IssueStatus,
    project: (NaiveDate, NaiveDate),
) -> Vec<FieldError> {
    let mut errs = vec![];
    if raised_on < project.0 || raised_on > project.1 {
        errs.push(FieldError::new(
            "raised_on",
            format!("{raised_on} is outside the project ({} to {})", project.0, project.1),
        ));
    }
    match (status, closed_on) {
        (IssueStatus::Closed, None) => errs.push(FieldError::new("closed_on", "required when the status is closed")),
        (IssueStatus::Open | IssueStatus::InProgress, Some(_)) => errs
            .push(FieldError::new("closed_on", format!("only a closed issue has a closing date (status is {status})"))),
        (_, Some(c)) if c < raised_on => {
            errs.push(FieldError::new("closed_on", format!("{c} is before the issue was raised ({raised_on})")))
        }
        _ => {}
    }
    errs
}

/// Percent complete must agree with the status: a completed activity is at 100 %, one not
/// started at 0 %, and nothing else claims 100 %.
pub fn check_activity(status: ActivityStatus, percent: i32) -> Vec<FieldError> {
    let wrong = match status {
        ActivityStatus::Completed => percent != 100,
        ActivityStatus::NotStarted => percent != 0,
        ActivityStatus::Cancelled => false,
        ActivityStatus::OnTrack | ActivityStatus::Delayed => percent == 100,
    };
    if !(0..=100).contains(&percent) {
        vec![FieldError::new("percent_complete", "between 0 and 100")]
    } else if wrong {
        vec![FieldError::new(
            "percent_complete",
            format!("{percent} % does not agree with status {status}: completed is 100 %, not started 0 %"),
        )]
    } else {
        vec![]
    }
}

vocabulary! {
    /// A risk's rating: likelihood x impact.
    RiskLevel {
        Low = "low",
        Moderate = "moderate",
        Substantial = "substantial",
        High = "high",
    }
}

/// Likelihood x impact on the usual 5 x 5 matrix: 1-4 low, 5-9 moderate, 10-16 substantial, 20-25 high.
pub fn risk_level(likelihood: i32, impact: i32) -> RiskLevel {
    match likelihood * impact {
        ..=4 => RiskLevel::Low,
        5..=9 => RiskLevel::Moderate,
        10..=16 => RiskLevel::Substantial,
        _ => RiskLevel::High,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_agrees_with_status() {
        assert!(check_activity(ActivityStatus::Completed, 100).is_empty());
        assert_eq!(check_activity(ActivityStatus::Completed, 90)[0].field, "percent_complete");
        assert!(!check_activity(ActivityStatus::NotStarted, 10).is_empty());
        assert!(!check_activity(ActivityStatus::OnTrack, 100).is_empty());
        assert!(check_activity(ActivityStatus::Delayed, 40).is_empty());
        assert!(!check_activity(ActivityStatus::Delayed, 140).is_empty());
    }

    #[test]
    fn risk_levels() {
        assert_eq!(risk_level(1, 4), RiskLevel::Low);
        assert_eq!(risk_level(3, 3), RiskLevel::Moderate);
        assert_eq!(risk_level(4, 4), RiskLevel::Substantial);
        assert_eq!(risk_level(5, 4), RiskLevel::High);
    }

    #[test]
    fn issues_close_after_they_are_raised() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        let project = (d(1, 1), d(12, 31));
        assert!(check_issue(d(3, 1), None, IssueStatus::Open, project).is_empty());
        assert!(check_issue(d(3, 1), Some(d(4, 1)), IssueStatus::Closed, project).is_empty());
        assert_eq!(check_issue(d(3, 1), None, IssueStatus::Closed, project)[0].field, "closed_on");
        assert_eq!(check_issue(d(3, 1), Some(d(2, 1)), IssueStatus::Closed, project)[0].field, "closed_on");
        assert_eq!(check_issue(d(3, 1), Some(d(4, 1)), IssueStatus::InProgress, project)[0].field, "closed_on");
        let early = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        assert_eq!(check_issue(early, None, IssueStatus::Open, project)[0].field, "raised_on");
    }
}
