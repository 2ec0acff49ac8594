//! Indicator definitions: what is measured and how values combine over periods.

use super::{FieldError, vocabulary};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What kind of value an indicator takes.
    Measure {
        Number = "number",
        Percentage = "percentage",
        YesNo = "yes_no",
        Qualitative = "qualitative",
    }
}

vocabulary! {
    /// Whether progress means the value going up (people trained) or down (waiting time).
    Direction {
        Increase = "increase",
        Decrease = "decrease",
    }
}

vocabulary! {
    /// How quarterly values combine: `sum` adds them, `latest` takes the most recent.
    Accumulation {
        Sum = "sum",
        Latest = "latest",
    }
}

/// A disaggregation dimension and its allowed values, e.g. sex: women, men.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    pub values: Vec<String>,
}

/// The parts of an indicator definition whose consistency is a domain rule.
pub struct Definition<'a> {
    pub measure: Measure,
    pub direction: Direction,
    pub accumulation: Accumulation,
    pub baseline_value: Option<f64>,
    pub disaggregations: &'a [Dimension],
}

/// Checks a definition; returns every failed rule.
pub fn check_definition(def: &Definition<'_>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if def.measure != Measure::Number && def.accumulation == Accumulation::Sum {
        errors.push(FieldError::new(
            "accumulation",
            format!("a {} indicator cannot be summed over periods: use `latest`", def.measure),
        ));
    }
    if def.accumulation == Accumulation::Sum && def.direction == Direction::Decrease {
        errors.push(FieldError::new(
            "accumulation",
            "a decreasing indicator is a level (e.g. waiting time): use `latest`, sums only grow",
        ));
    }
    if let Some(Err(msg)) = def.baseline_value.map(|v| check_value(def.measure, v)) {
        errors.push(FieldError::new("baseline_value", msg));
    }
    let mut names = std::collections::HashSet::new();
    for (i, dim) in def.disaggregations.iter().enumerate() {
        if dim.name.trim().is_empty() {
            errors.push(FieldError::new(format!("disaggregations[{i}].name"), "must not be empty"));
        }
        if !names.insert(dim.name.as_str()) {
            errors.push(FieldError::new(
                format!("disaggregations[{i}].name"),
                format!("dimension `{}` is listed twice", dim.name),
            ));
        }
        if dim.values.len() < 2 {
            errors
                .push(FieldError::new(format!("disaggregations[{i}].values"), "a dimension needs at least two values"));
        }
        let mut seen = std::collections::HashSet::new();
        for (j, v) in dim.values.iter().enumerate() {
            if v.trim().is_empty() || !seen.insert(v.as_str()) {
                errors.push(FieldError::new(
                    format!("disaggregations[{i}].values[{j}]"),
                    "values must be non-empty and distinct",
                ));
            }
        }
    }
    errors
}

/// Checks one numeric value (baseline, target, later an actual) against the measure.
pub fn check_value(measure: Measure, v: f64) -> Result<(), String> {
    if !v.is_finite() {
        return Err("must be a finite number".into());
    }
    match measure {
        Measure::Number => Ok(()),
        Measure::Percentage if (0.0..=100.0).contains(&v) => Ok(()),
        Measure::Percentage => Err("a percentage must be between 0 and 100".into()),
        Measure::YesNo if v == 0.0 || v == 1.0 => Ok(()),
        Measure::YesNo => Err("a yes/no value is 1 (yes) or 0 (no)".into()),
        Measure::Qualitative => Err("a qualitative indicator takes text, not a number".into()),
    }
}

/// A target needs a number, except for qualitative indicators, which need a description.
pub fn check_target(measure: Measure, value: Option<f64>, description: Option<&str>) -> Vec<FieldError> {
    let has_text = description.is_some_and(|d| !d.trim().is_empty());
    match (measure, value) {
        (Measure::Qualitative, Some(_)) => {
            vec![FieldError::new("value", "a qualitative indicator's target is a description, not a number")]
        }
        (Measure::Qualitative, None) if !has_text => {
            vec![FieldError::new("description", "a qualitative indicator's target needs a description")]
        }
        (Measure::Qualitative, None) => vec![],
        (m, Some(v)) => check_value(m, v).err().map(|msg| FieldError::new("value", msg)).into_iter().collect(),
        (m, None) => vec![FieldError::new("value", format!("a {m} indicator's target needs a value"))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(measure: Measure, accumulation: Accumulation, baseline: Option<f64>) -> Vec<FieldError> {
        check_definition(&Definition {
            measure,
            direction: Direction::Increase,
            accumulation,
            baseline_value: baseline,
            disaggregations: &[],
        })
    }

    #[test]
    fn only_numbers_are_summed() {
        assert!(def(Measure::Number, Accumulation::Sum, Some(0.0)).is_empty());
        let errs = def(Measure::Percentage, Accumulation::Sum, Some(10.0));
        assert_eq!(errs[0].field, "accumulation");
        assert!(!def(Measure::YesNo, Accumulation::Sum, None).is_empty());
        assert!(def(Measure::YesNo, Accumulation::Latest, Some(0.0)).is_empty());
    }

    #[test]
    fn baseline_must_fit_the_measure() {
        assert_eq!(def(Measure::Percentage, Accumulation::Latest, Some(120.0))[0].field, "baseline_value");
        assert_eq!(def(Measure::YesNo, Accumulation::Latest, Some(0.5))[0].field, "baseline_value");
        assert!(!def(Measure::Qualitative, Accumulation::Latest, Some(1.0)).is_empty());
        assert!(def(Measure::Qualitative, Accumulation::Latest, None).is_empty());
    }

    #[test]
    fn dimensions_need_distinct_values() {
        let dims = vec![
            Dimension { name: "sex".into(), values: vec!["women".into(), "women".into()] },
            Dimension { name: "sex".into(), values: vec!["a".into()] },
        ];
        let errs = check_definition(&Definition {
            measure: Measure::Number,
            direction: Direction::Increase,
            accumulation: Accumulation::Sum,
            baseline_value: None,
            disaggregations: &dims,
        });
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"disaggregations[0].values[1]"), "{fields:?}");
        assert!(fields.contains(&"disaggregations[1].name"), "{fields:?}");
        assert!(fields.contains(&"disaggregations[1].values"), "{fields:?}");
    }

    #[test]
    fn targets_take_the_right_kind_of_value() {
        assert!(check_target(Measure::Number, Some(3494.0), None).is_empty());
        assert_eq!(check_target(Measure::Number, None, None)[0].field, "value");
        assert_eq!(check_target(Measure::Qualitative, None, None)[0].field, "description");
        assert!(check_target(Measure::Qualitative, None, Some("Hub established")).is_empty());
        assert_eq!(check_target(Measure::YesNo, Some(2.0), None)[0].field, "value");
        assert_eq!(check_target(Measure::Number, Some(f64::NAN), None)[0].field, "value");
    }
}
