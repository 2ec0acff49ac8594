//! Activity progress and the risk log: vocabularies and their rules.

use super::{FieldError, vocabulary};

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
}
