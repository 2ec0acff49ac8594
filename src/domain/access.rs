//! Who may do what: roles are held per project; the policy is one table, tested here.

use super::vocabulary;

vocabulary! {
    /// A user's role on one project (a user may hold different roles on different projects).
    Role {
        Coordinator = "coordinator",
        Manager = "manager",
        Finance = "finance",
        Donor = "donor",
    }
}

vocabulary! {
    /// What a bearer token is for: a login session, or a personal token for scripts.
    TokenKind {
        Session = "session",
        Personal = "personal",
    }
}

/// What a request wants to do on a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the project, its results framework, indicators and funding.
    Read,
    /// Keep the results framework, actuals, activity progress, narratives, risks; submit.
    EditResults,
    /// Approve / return / reopen progress, approve work plans, edit project details, issue reports.
    Manage,
    /// Contributions, budget lines, expenditures, exchange rates, finance checks.
    EditFinance,
    /// Read the project's audit trail.
    ReadAudit,
    /// See progress that is not approved yet (drafts, submitted, returned): those who make and
    /// approve it. Everyone else, donors first, sees approved data only, on every endpoint.
    PreviewUnapproved,
    /// Generate (and preview) a donor report: those who make and approve the progress in it.
    GenerateReport,
    /// See reports not issued yet: everyone on the project but its donors, who see what is
    /// issued to them.
    ReadUnissuedReports,
    /// Act on the finance checks' findings (explain them): those who keep the figures and those
    /// who approve the plans and issue the reports.
    ActOnFindings,
}

impl Action {
    /// Why a role on the project is refused the action (403), when there is more to say than
    /// "a donor may not do this on this project".
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            Action::PreviewUnapproved => Some("only coordinators and managers preview unapproved data"),
            Action::GenerateReport => Some("coordinators and managers generate reports"),
            Action::ActOnFindings => Some("only finance officers and managers explain finance findings"),
            _ => None,
        }
    }
}

/// The policy: which role may do which action. Admins may do everything (checked by the caller).
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Coordinator => {
            matches!(action, Read | EditResults | ReadAudit | PreviewUnapproved | GenerateReport | ReadUnissuedReports)
        }
        Role::Manager => matches!(
            action,
            Read | Manage | ReadAudit | PreviewUnapproved | GenerateReport | ReadUnissuedReports | ActOnFindings
        ),
        Role::Finance => matches!(action, Read | EditFinance | ReadAudit | ReadUnissuedReports | ActOnFindings),
        Role::Donor => matches!(action, Read),
    }
}

/// What a request wants to do outside any one project: on what projects share, or on the
/// instance itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalAction {
    /// Users, memberships, the whole audit trail, projects' creation and deletion.
    Administer,
    /// The catalogues projects share: funding sources.
    KeepCatalogues,
    /// The monthly exchange rates every project converts with.
    KeepExchangeRates,
}

impl GlobalAction {
    /// Why the caller is refused the action (403).
    pub fn refusal(self) -> &'static str {
        match self {
            GlobalAction::Administer => "only an administrator may do this",
            GlobalAction::KeepCatalogues => "only finance officers and administrators keep funding sources",
            GlobalAction::KeepExchangeRates => "only finance officers and administrators keep exchange rates",
        }
    }
}

/// The policy outside projects: may someone holding `roles` (on any projects) do `action`?
/// Admins may do everything (checked by the caller). Finance officers of any project keep the
/// shared catalogues and the exchange rates.
pub fn allows_global(roles: impl IntoIterator<Item = Role>, action: GlobalAction) -> bool {
    let mut roles = roles.into_iter();
    match action {
        GlobalAction::Administer => false,
        GlobalAction::KeepCatalogues | GlobalAction::KeepExchangeRates => roles.any(|r| r == Role::Finance),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_does_its_own_job_only() {
        assert!(allows(Role::Coordinator, Action::EditResults));
        assert!(!allows(Role::Coordinator, Action::Manage));
        assert!(!allows(Role::Coordinator, Action::EditFinance));
        assert!(allows(Role::Manager, Action::Manage));
        assert!(!allows(Role::Manager, Action::EditResults));
        assert!(allows(Role::Finance, Action::EditFinance));
        assert!(!allows(Role::Finance, Action::EditResults));
        for r in Role::ALL {
            assert!(allows(*r, Action::Read));
        }
        assert!(!allows(Role::Donor, Action::ReadAudit));
        assert!(!allows(Role::Donor, Action::EditResults));
        assert!(!allows(Role::Donor, Action::PreviewUnapproved));
        assert!(!allows(Role::Finance, Action::PreviewUnapproved));
        assert!(
            allows(Role::Coordinator, Action::PreviewUnapproved) && allows(Role::Manager, Action::PreviewUnapproved)
        );
    }

    #[test]
    fn those_who_make_and_approve_progress_generate_reports_donors_see_issued_ones() {
        assert!(allows(Role::Coordinator, Action::GenerateReport) && allows(Role::Manager, Action::GenerateReport));
        assert!(!allows(Role::Finance, Action::GenerateReport) && !allows(Role::Donor, Action::GenerateReport));
        for r in [Role::Coordinator, Role::Manager, Role::Finance] {
            assert!(allows(r, Action::ReadUnissuedReports), "{r}");
        }
        assert!(!allows(Role::Donor, Action::ReadUnissuedReports));
        assert!(allows(Role::Finance, Action::ActOnFindings) && allows(Role::Manager, Action::ActOnFindings));
        assert!(!allows(Role::Coordinator, Action::ActOnFindings) && !allows(Role::Donor, Action::ActOnFindings));
        assert!(Action::GenerateReport.refusal().is_some() && Action::PreviewUnapproved.refusal().is_some());
    }

    #[test]
    fn finance_officers_keep_what_projects_share_only_admins_administer() {
        use GlobalAction::*;
        for a in [KeepCatalogues, KeepExchangeRates] {
            assert!(allows_global([Role::Donor, Role::Finance], a));
            assert!(!allows_global([Role::Coordinator, Role::Manager, Role::Donor], a));
            assert!(!allows_global([], a));
        }
        assert!(!allows_global(Role::ALL.iter().copied(), Administer));
        // Each refusal says what the caller was refused, not another action's words.
        assert!(KeepExchangeRates.refusal().contains("exchange rates"));
        assert!(KeepCatalogues.refusal().contains("funding sources"));
        assert_ne!(Administer.refusal(), KeepCatalogues.refusal());
    }
}
