//! The IATI codes the export uses (IATI Standard 2.03 codelists), each mapped from the
//! project's own vocabulary in one place.

use crate::domain::indicators::Measure;
use crate::domain::results::ResultLevel;
use crate::domain::{FundingKind, ProjectStatus};

/// OrganisationRole.
pub const ROLE_FUNDING: &str = "1";
pub const ROLE_ACCOUNTABLE: &str = "2";
pub const ROLE_IMPLEMENTING: &str = "4";

/// OrganisationType: 10 Government, 40 Multilateral.
pub const ORG_GOVERNMENT: &str = "10";
pub const ORG_MULTILATERAL: &str = "40";

/// TransactionType: 1 Incoming Funds, 4 Expenditure.
pub const TRANSACTION_INCOMING_FUNDS: &str = "1";
pub const TRANSACTION_EXPENDITURE: &str = "4";

/// BudgetType: 1 Original, 2 Revised.
pub const BUDGET_ORIGINAL: &str = "1";
pub const BUDGET_REVISED: &str = "2";
/// BudgetStatus: 2 Committed (an annual work plan the Project Board approved).
pub const BUDGET_COMMITTED: &str = "2";

/// ActivityDateType: 1 Planned start, 2 Actual start, 3 Planned end, 4 Actual end.
pub const DATE_PLANNED_START: &str = "1";
pub const DATE_ACTUAL_START: &str = "2";
pub const DATE_PLANNED_END: &str = "3";
pub const DATE_ACTUAL_END: &str = "4";

/// DescriptionType: 1 General.
pub const DESCRIPTION_GENERAL: &str = "1";

/// OtherIdentifierType: A1 Reporting Organisation's internal activity identifier (the award id).
pub const OTHER_ID_INTERNAL: &str = "A1";

/// ActivityStatus: 1 Pipeline/identification, 2 Implementation, 3 Finalisation (activity
/// complete, financial close pending), 4 Closed.
pub fn activity_status(s: ProjectStatus) -> &'static str {
    match s {
        ProjectStatus::Pipeline => "1",
        ProjectStatus::Active => "2",
        ProjectStatus::OperationallyClosed => "3",
        ProjectStatus::FinanciallyClosed => "4",
    }
}

/// OrganisationType of a funding source, where its kind says it (UNDP core: multilateral;
/// government cost sharing: government). EU and other sources are left without a type rather
/// than guessed.
pub fn funder_type(kind: FundingKind) -> Option<&'static str> {
    match kind {
        FundingKind::UndpCore => Some(ORG_MULTILATERAL),
        FundingKind::GovernmentCostSharing => Some(ORG_GOVERNMENT),
        FundingKind::Eu | FundingKind::Other => None,
    }
}

/// ResultType: 1 Output, 2 Outcome, 3 Impact, 9 Other (activity results and activities).
pub fn result_type(level: ResultLevel) -> &'static str {
    match level {
        ResultLevel::Output => "1",
        ResultLevel::Outcome => "2",
        ResultLevel::Impact => "3",
        ResultLevel::ActivityResult | ResultLevel::Activity => "9",
    }
}

/// IndicatorMeasure: 1 Unit, 2 Percentage, 3 Nominal (yes/no), 5 Qualitative.
pub fn indicator_measure(m: Measure) -> &'static str {
    match m {
        Measure::Number => "1",
        Measure::Percentage => "2",
        Measure::YesNo => "3",
        Measure::Qualitative => "5",
    }
}

/// The IATI Country codelist (ISO 3166-1 alpha-2), active codes, sorted.
const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT",
    "ZA", "ZM", "ZW",
];

/// Whether `code` is a country of the IATI Country codelist.
pub fn is_country(code: &str) -> bool {
    COUNTRIES.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_sorted_and_found() {
        assert!(COUNTRIES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(COUNTRIES.len(), 250);
        assert!(is_country("KZ") && is_country("UZ") && is_country("XK"));
        assert!(!is_country("kz") && !is_country("AN") && !is_country("XX") && !is_country(""));
    }

    #[test]
    fn every_vocabulary_value_has_a_code() {
        let statuses: Vec<&str> = ProjectStatus::ALL.iter().map(|s| activity_status(*s)).collect();
        assert_eq!(statuses, ["1", "2", "3", "4"]);
        let levels: Vec<&str> = ResultLevel::ALL.iter().map(|l| result_type(*l)).collect();
        assert_eq!(levels, ["3", "2", "1", "9", "9"]);
        let measures: Vec<&str> = Measure::ALL.iter().map(|m| indicator_measure(*m)).collect();
        assert_eq!(measures, ["1", "2", "3", "5"]);
    }
}
