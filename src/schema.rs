//! The database schema, kept by hand in step with `migrations/sqlite` and
//! `migrations/postgres` (both backends share these column types).

diesel::table! {
    projects (id) {
        id -> BigInt,
        code -> Text,
        award_id -> Nullable<Text>,
        title -> Text,
        country -> Text,
        implementing_partner -> Text,
        start_date -> Date,
        end_date -> Date,
        currency -> Text,
        status -> Text,
        description -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    funding_sources (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contributions (id) {
        id -> BigInt,
        project_id -> BigInt,
        funding_source_id -> BigInt,
        amount_minor -> BigInt,
        currency -> Text,
        agreement_ref -> Nullable<Text>,
        indirect_rate_bp -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    results (id) {
        id -> BigInt,
        project_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        level -> Text,
        code -> Text,
        title -> Text,
        description -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    indicators (id) {
        id -> BigInt,
        project_id -> BigInt,
        result_id -> BigInt,
        code -> Text,
        title -> Text,
        unit -> Text,
        measure -> Text,
        direction -> Text,
        accumulation -> Text,
        baseline_value -> Nullable<Double>,
        baseline_year -> Nullable<Integer>,
        baseline_note -> Nullable<Text>,
        means_of_verification -> Nullable<Text>,
        disaggregations -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    targets (id) {
        id -> BigInt,
        indicator_id -> BigInt,
        period -> Text,
        value -> Nullable<Double>,
        description -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(contributions -> projects (project_id));
diesel::joinable!(contributions -> funding_sources (funding_source_id));
diesel::joinable!(results -> projects (project_id));
diesel::joinable!(indicators -> results (result_id));
diesel::joinable!(targets -> indicators (indicator_id));

diesel::allow_tables_to_appear_in_same_query!(projects, funding_sources, contributions, results, indicators, targets,);
