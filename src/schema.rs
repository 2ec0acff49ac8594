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
        country_code -> Nullable<Text>,
        iati_reporting_org_ref -> Nullable<Text>,
        iati_activity_prefix -> Nullable<Text>,
        iati_implementing_org_ref -> Nullable<Text>,
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
        conversion_rule -> Text,
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
        assumptions -> Nullable<Text>,
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

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        lang -> Nullable<Text>,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        user_id -> BigInt,
        project_id -> BigInt,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        kind -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        user_id -> Nullable<BigInt>,
        project_id -> Nullable<BigInt>,
        entity -> Text,
        entity_id -> BigInt,
        action -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    actuals (id) {
        id -> BigInt,
        project_id -> BigInt,
        indicator_id -> BigInt,
        period -> Text,
        value -> Nullable<Double>,
        numerator -> Nullable<Double>,
        denominator -> Nullable<Double>,
        text -> Nullable<Text>,
        disaggregations -> Text,
        comment -> Nullable<Text>,
        evidence_url -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        submitted_by -> Nullable<BigInt>,
        submitted_at -> Nullable<Timestamp>,
        approved_by -> Nullable<BigInt>,
        approved_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    activity_progress (id) {
        id -> BigInt,
        project_id -> BigInt,
        result_id -> BigInt,
        period -> Text,
        status -> Text,
        percent_complete -> Integer,
        narrative -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    narratives (id) {
        id -> BigInt,
        project_id -> BigInt,
        period -> Text,
        summary -> Text,
        challenges -> Nullable<Text>,
        lessons_learned -> Nullable<Text>,
        next_quarter -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    risks (id) {
        id -> BigInt,
        project_id -> BigInt,
        code -> Text,
        description -> Text,
        category -> Text,
        likelihood -> Integer,
        impact -> Integer,
        mitigation -> Nullable<Text>,
        owner -> Nullable<Text>,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    risk_updates (id) {
        id -> BigInt,
        risk_id -> BigInt,
        period -> Text,
        note -> Text,
        likelihood -> Integer,
        impact -> Integer,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        project_id -> BigInt,
        template -> Text,
        period -> Text,
        period_from -> Text,
        period_to -> Text,
        format -> Text,
        file_name -> Text,
        content_type -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        content -> Binary,
        draft -> Bool,
        generated_by -> Nullable<BigInt>,
        generated_at -> Timestamp,
        issued_by -> Nullable<BigInt>,
        issued_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(contributions -> projects (project_id));
diesel::joinable!(contributions -> funding_sources (funding_source_id));
diesel::joinable!(results -> projects (project_id));
diesel::joinable!(indicators -> results (result_id));
diesel::joinable!(targets -> indicators (indicator_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> projects (project_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(actuals -> indicators (indicator_id));
diesel::joinable!(activity_progress -> results (result_id));
diesel::joinable!(risk_updates -> risks (risk_id));
diesel::joinable!(reports -> projects (project_id));

diesel::allow_tables_to_appear_in_same_query!(
    projects,
    funding_sources,
    contributions,
    results,
    indicators,
    targets,
    users,
    memberships,
    api_tokens,
    audit_log,
    actuals,
    activity_progress,
    narratives,
    risks,
    risk_updates,
    reports,
);

// Work plans and finance (migration 000004). Kept in a block of their own: these tables are
// joined among themselves; projects, results and funding sources are read separately.

diesel::table! {
    budget_accounts (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        eu_heading -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        eu_line -> Text,
    }
}

diesel::table! {
    work_plans (id) {
        id -> BigInt,
        project_id -> BigInt,
        year -> Integer,
        revision -> Integer,
        previous_id -> Nullable<BigInt>,
        status -> Text,
        title -> Nullable<Text>,
        currency -> Text,
        document_total_minor -> Nullable<BigInt>,
        revision_reason -> Nullable<Text>,
        approved_on -> Nullable<Date>,
        approved_by -> Nullable<BigInt>,
        notes -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    work_plan_activities (id) {
        id -> BigInt,
        work_plan_id -> BigInt,
        result_id -> BigInt,
        q1 -> Bool,
        q2 -> Bool,
        q3 -> Bool,
        q4 -> Bool,
        responsible_party -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    budget_lines (id) {
        id -> BigInt,
        work_plan_id -> BigInt,
        activity_id -> Nullable<BigInt>,
        funding_source_id -> BigInt,
        account_code -> Text,
        description -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        q1_minor -> Nullable<BigInt>,
        q2_minor -> Nullable<BigInt>,
        q3_minor -> Nullable<BigInt>,
        q4_minor -> Nullable<BigInt>,
        lineage_id -> BigInt,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    exchange_rates (id) {
        id -> BigInt,
        base_currency -> Text,
        quote_currency -> Text,
        month -> Text,
        rate_micros -> BigInt,
        source -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    expenditures (id) {
        id -> BigInt,
        project_id -> BigInt,
        budget_line_id -> BigInt,
        spent_on -> Date,
        amount_minor -> BigInt,
        currency -> Text,
        ledger_amount_minor -> BigInt,
        ledger_currency -> Text,
        fx_pair -> Nullable<Text>,
        fx_month -> Nullable<Text>,
        fx_rate_micros -> Nullable<BigInt>,
        reference -> Text,
        description -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    receipts (id) {
        id -> BigInt,
        project_id -> BigInt,
        funding_source_id -> BigInt,
        received_on -> Date,
        amount_minor -> BigInt,
        currency -> Text,
        ledger_amount_minor -> BigInt,
        ledger_currency -> Text,
        fx_pair -> Nullable<Text>,
        fx_month -> Nullable<Text>,
        fx_rate_micros -> Nullable<BigInt>,
        reference -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(work_plan_activities -> work_plans (work_plan_id));
diesel::joinable!(budget_lines -> work_plans (work_plan_id));
diesel::joinable!(budget_lines -> work_plan_activities (activity_id));
diesel::joinable!(expenditures -> budget_lines (budget_line_id));

diesel::allow_tables_to_appear_in_same_query!(
    budget_accounts,
    work_plans,
    work_plan_activities,
    budget_lines,
    exchange_rates,
    expenditures,
    receipts,
);

// The EU contribution agreement (migration 2026-12-01-000001): the budget of the action by
// line of the EU format, kept with its contribution.

diesel::table! {
    contribution_budget_lines (id) {
        id -> BigInt,
        contribution_id -> BigInt,
        eu_line -> Text,
        amount_minor -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(contribution_budget_lines -> contributions (contribution_id));
diesel::allow_tables_to_appear_in_same_query!(contribution_budget_lines, contributions);

// The issue log (migration 2026-12-01-000002), beside the risk log.

diesel::table! {
    issues (id) {
        id -> BigInt,
        project_id -> BigInt,
        code -> Text,
        issue_type -> Text,
        description -> Text,
        raised_on -> Date,
        raised_by -> Nullable<Text>,
        priority -> Text,
        response -> Nullable<Text>,
        owner -> Nullable<Text>,
        status -> Text,
        closed_on -> Nullable<Date>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        user_id -> BigInt,
        idempotency_key -> Text,
        method -> Text,
        path -> Text,
        request_sha256 -> Text,
        status -> Integer,
        location -> Nullable<Text>,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The login limiter's failure counters (one row per pair, address or account key).
    login_failures (key) {
        key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
    }
}

// Explanations of finance findings (migration 2026-12-08-000201).
diesel::table! {
    finding_explanations (id) {
        id -> BigInt,
        project_id -> BigInt,
        finding_key -> Text,
        check_kind -> Text,
        message -> Text,
        reason -> Text,
        explained_by -> Nullable<BigInt>,
        explained_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(finding_explanations, users);
