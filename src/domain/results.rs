//! The results framework: a tree of results from impact down to activity.

use super::{FieldError, vocabulary};
use std::cmp::Ordering;

vocabulary! {
    /// Levels of the results chain, top down.
    ResultLevel {
        Impact = "impact",
        Outcome = "outcome",
        Output = "output",
        ActivityResult = "activity_result",
        Activity = "activity",
    }
}

impl ResultLevel {
    /// 0 for impact, 4 for activity.
    pub fn depth(self) -> u8 {
        match self {
            ResultLevel::Impact => 0,
            ResultLevel::Outcome => 1,
            ResultLevel::Output => 2,
            ResultLevel::ActivityResult => 3,
            ResultLevel::Activity => 4,
        }
    }
}

/// A child must sit strictly below its parent in the chain (an output under an outcome,
/// an activity under an activity result or an output, never an outcome under an output).
pub fn check_parent_level(child: ResultLevel, parent: ResultLevel) -> Result<(), FieldError> {
    if child.depth() > parent.depth() {
        Ok(())
    } else {
        Err(FieldError::new(
            "level",
            format!(
                "a result of level {child} cannot sit under a result of level {parent}: its level must be below its parent's"
            ),
        ))
    }
}

/// Orders result codes the way people read them: `1.2` before `1.10`, numbers by value,
/// other segments alphabetically.
pub fn compare_codes(a: &str, b: &str) -> Ordering {
    let mut xs = a.split('.');
    let mut ys = b.split('.');
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(n), Ok(m)) => n.cmp(&m),
                    _ => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_must_be_below_parent() {
        use ResultLevel::*;
        assert!(check_parent_level(Output, Outcome).is_ok());
        assert!(check_parent_level(Activity, Output).is_ok());
        let err = check_parent_level(Outcome, Output).unwrap_err();
        assert_eq!(err.field, "level");
        assert!(err.message.contains("below its parent"));
        assert!(check_parent_level(Output, Output).is_err());
    }

    #[test]
    fn codes_sort_naturally() {
        let mut codes = vec!["1.10", "1.2", "2", "1", "1.2.1", "1.1", "A.1"];
        codes.sort_by(|a, b| compare_codes(a, b));
        assert_eq!(codes, ["1", "1.1", "1.2", "1.2.1", "1.10", "2", "A.1"]);
    }
}
