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
}

/// The policy: which role may do which action. Admins may do everything (checked by the caller).
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Coordinator => matches!(action, Read | EditResults | ReadAudit | PreviewUnapproved),
        Role::Manager => matches!(action, Read | Manage | ReadAudit | PreviewUnapproved),
        Role::Finance => matches!(action, Read | EditFinance | ReadAudit),
        Role::Donor => matches!(action, Read),
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
}
