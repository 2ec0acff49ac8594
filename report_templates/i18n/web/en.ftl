# rbm web pages: English. One file per language; a translator adds uz.ftl or kk.ftl beside it
# (no recompiling): the language appears in the switch. A key missing in a language is
# shown in English. Number and date formats and the status words come from ../<lang>.ftl.

language-name = English
language = Language

## Layout
skip-to-main = Skip to main content
brand-name = Results-based monitoring
account = Account
projects = Projects
sign-out = Sign out
footer = rbm · results-based monitoring and donor reporting
error = Error
there-is-a-problem = There is a problem
go-to-projects = Go to your projects

## Sign in
sign-in = Sign in
sign-in-lead = Sign in with the email address and password your administrator gave you.
email-address = Email address
password = Password
sign-in-email-missing = Enter your email address
sign-in-email-invalid = Enter an email address like name@example.org
sign-in-password-missing = Enter your password
sign-in-wrong = The email address or the password is not right
sign-in-too-many = Too many failed attempts: try again in { $minutes } minutes

## Projects and dashboard
your-projects = Your projects
your-role = Your role
country = Country
dates = Dates
date-range = { $from } to { $to }
status = Status
no-projects = You have no role on any project yet. Ask an administrator to add you to your project.
role-admin = Administrator
role-coordinator = Coordinator
role-manager = Manager
role-finance = Finance
role-donor = Donor
project-pipeline = pipeline
project-active = active
project-operationally_closed = operationally closed
project-financially_closed = financially closed
dashboard-title = { $code } dashboard
quarter = Quarter
show = Show
dashboard-lead = You are { $role } on this project. Figures are approved data of { $year } up to { $quarter }.
enter-progress-for = Enter progress for { $quarter }
approval-queue = Approval queue
results-framework = Results framework
reports = Reports
award = Award
implementing-partner = Implementing partner
ledger-currency = Ledger currency
waiting-for-you = Waiting for you
drafts-to-submit = Drafts to submit ({ $n })
nothing-to-submit = Nothing to submit.
missing-for = Missing for { $quarter } ({ $n })
nothing-missing = Every indicator with a target has an actual.
actuals-to-approve = Actuals to approve ({ $n })
nothing-to-approve = Nothing waits for approval.
open-findings = Open finance findings ({ $n })
findings-lead = The finance checks of the work plans, expenditure and contributions: { $summary }.
findings-summary = { $errors ->
    [one] 1 error
   *[other] { $errors } errors
}, { $warnings ->
    [one] 1 warning
   *[other] { $warnings } warnings
}{ $infos ->
    [0] {""}
   *[other] , { $infos } not checked
}
findings-more = And { $n } more
no-findings = None: the work plans, expenditure and contributions agree.
severity-error = Error
severity-warning = Warning
severity-info = Not checked
delivery-in = Delivery in { $year }
budget = Budget
spent = spent
delivery = delivery
output = Output
expenditure = Expenditure
other = Other
no-budget = No work plan budget for { $year }.
delivery-caption = Budget of the { $year } work plan and expenditure to date, by output, in { $currency }; delivery = expenditure / budget.
actual-draft = Draft
actual-submitted = Submitted
actual-approved = Approved
actual-returned = Returned

## Indicators at a glance (dashboard and donor portal)
glance-heading = Indicators at a glance
glance-table-caption = Indicators, their actual, target and status
indicator = Indicator
actual = Actual
target-of-year = Target { $year }
percent-of-target = % of target
glance-actual-note = Actual: the sum of { $year } up to { $quarter } for indicators that add up over quarters; the latest value for the others.
no-indicators = This project has no indicators yet.
progress-caption = Approved actuals from { $from } to { $to }, as % of the { $year } target (the life-of-project target where there is no yearly one). The colour is the status, which compares with the target prorated to the quarters elapsed.
chart-percent-title = Percent of target per indicator
chart-hundred = 100 % of target
chart-delivery-title = Budget and expenditure by output

## Results framework
framework-lead = Impact, outcomes, outputs, activity results and activities, with each result's indicators, baselines and targets.
add-a-result = Add a result
framework-empty = The framework is empty.
assumptions = Assumptions
edit = Edit
delete = Delete
add-below = Add a result below
add-an-indicator = Add an indicator
indicators-of = Indicators of { $code }
baseline = Baseline
targets = Targets
by = By
no-targets = none
life-of-project = Life of project
saved-result = Saved result { $code }.
saved-indicator = Saved indicator { $code }.
saved-targets = Saved { $n ->
    [one] 1 target
   *[other] { $n } targets
} of indicator { $code }.
deleted = Deleted { $what }.
level-impact = Impact
level-outcome = Outcome
level-output = Output
level-activity_result = Activity result
level-activity = Activity
measure-number = Number
measure-percentage = Percentage (numerator / denominator)
measure-yes_no = Yes / no
measure-qualitative = Text (qualitative)
