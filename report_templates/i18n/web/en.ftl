# rbm web pages: English. One file per language; a translator adds uz.ftl or kk.ftl beside it
# (no recompiling): the language appears in the switch. A key missing in a language is
# shown in English. Number and date formats and the status words come from ../<lang>.ftl.

language-name = English
language = Language

## Layout
skip-to-main = Skip to main content
breadcrumb = Breadcrumb
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

## Quarterly progress entry
optional = optional
progress-crumb = Progress { $quarter }
entry-title = Progress { $quarter } – { $code }
entry-nothing-saved = Nothing was saved. Correct the fields below and save again.
entry-heading = Progress for { $quarter }
entry-read-only = You can read this quarter's entries; the project's coordinators enter and submit them.
entry-lead = Enter each indicator's actual for { $quarter }, then the activities, the narrative and the risk updates further down.
save-as-draft = Save as draft
entry-lead-draft = keeps your work;
save-and-submit = Save and submit the quarter
entry-lead-submit = also sends every draft actual of { $quarter } to the manager.
entry-submitted = The quarter is submitted: { $n ->
    [one] 1 actual
   *[other] { $n } actuals
} went to the manager for approval.
entry-saved = Saved { $n ->
    [one] 1 entry
   *[other] { $n } entries
}. Actuals stay drafts until the quarter is submitted.
parts-of-page = Parts of this page
part-indicators = Indicators
part-activities = Activities
part-narrative = Narrative
part-risks = Risks
result = Result
target-label = Target { $label }
target-lop = Target Life of project
last-value = Last value
none-yet = none yet
last-in = { $value } in { $period } ({ $status })
not-entered = Not entered
returned-by-manager = Returned by the manager:
reopened-by-manager = Reopened by the manager:
actual-for = Actual for { $quarter }
numerator = Numerator
denominator = Denominator
percent-of = { $percent } % ({ $numerator } of { $denominator })
achieved-in = Achieved in { $quarter }?
what-was-achieved = What was achieved in { $quarter }
by-dimension = By { $name }
comment = Comment
evidence-link = Evidence link
evidence = Evidence
actual-in = Actual { $quarter }
enter-a-number = Enter a number, like 12 or 12.5
unit-measure-number = number
unit-measure-percentage = percentage
unit-measure-yes_no = yes / no
unit-measure-qualitative = text
activities-in = Activities in { $quarter }
activities-lead = How each activity of the work plan stands at the end of the quarter. Leave an activity on
not-reported-choice = Not reported
activities-lead-skip = {" "}to skip it.
before-quarter = Before { $quarter }:
nothing-reported = nothing reported
percent-complete = % complete
activity-progress = { $status } · { $percent } % complete ({ $period })
what-was-done = What was done
not-reported = not reported
no-activities = The results framework has no activities.
narrative-of = Narrative of { $quarter }
narrative-lead = The text the quarterly report quotes. The summary is needed once anything is written.
no-narrative = No narrative yet.
narrative-summary = Summary of the quarter
narrative-challenges = Challenges
narrative-lessons = Lessons learned
narrative-next = Plans for the next quarter
risk-updates-for = Risk updates for { $quarter }
risks-lead = Review each risk that is not closed: a note on what changed, and its rating and status now. A risk left as it is gets no update.
risk-now = Now:
last-update = last update
risk-saved-for = Saved for { $quarter }; change it below.
what-changed-in = What changed in { $quarter }
likelihood = Likelihood
impact = Impact
update-for = Update for { $quarter }
rated = Rated
no-update-for = No update for { $quarter }.
no-open-risks = The risk log has no open risk.
risk-rating = likelihood { $likelihood } x impact { $impact } = { $score } ({ $level })
risk-level-low = low
risk-level-moderate = moderate
risk-level-substantial = substantial
risk-level-high = high
likelihood-1 = 1 rare
likelihood-2 = 2 unlikely
likelihood-3 = 3 possible
likelihood-4 = 4 likely
likelihood-5 = 5 almost certain
impact-1 = 1 minimal
impact-2 = 2 minor
impact-3 = 3 moderate
impact-4 = 4 major
impact-5 = 5 extreme
state-not_started = Not started
state-on_track = On track
state-delayed = Delayed
state-completed = Completed
state-cancelled = Cancelled
state-open = Open
state-monitoring = Monitoring
state-closed = Closed
summary-activity = Activity { $code }: { $message }
summary-narrative-field = Narrative, { $field }: { $message }
summary-narrative = Narrative: { $message }
summary-risk = Risk { $code }: { $message }
choose-activity-status = Choose how the activity stands
enter-whole-percent = Enter a whole number from 0 to 100
enter-how-far = Enter how far the activity is, from 0 to 100 %
choose-risk-status = Choose the risk's status
choose-likelihood = Choose a likelihood from 1 to 5
choose-impact = Choose an impact from 1 to 5
write-risk-note = Write what changed: a new rating or status needs a note
write-summary = Write a summary of the quarter: it is needed once any part of the narrative is written
enter-some-text = Enter some text

## Approvals
page-date-format = %Y-%m-%d
approvals = Approvals
submitted-actuals = Submitted actuals
select = Select
target = Target
quarter-before = Quarter before
comment-and-evidence = Comment and evidence
select-actual = Select { $code } { $period }
evidence-word = evidence
reason = Reason
needed-to-return = needed to return
approve-selected = Approve selected
approve-all = Approve all ({ $n })
return-selected = Return selected
reopen-heading = Reopen an approved actual
reopen-lead = An approved actual is locked. Reopening it makes it a draft again, so the coordinator can correct it and submit it again; until it is approved again it is left out of the approved figures and reports. Your reason is kept in the audit trail.
approved-in = Approved in
which-actual = Which actual of { $quarter }?
approved-on = approved
no-approved-in = No approved actual in { $quarter }.
why-reopen = Why reopen it
reopen = Reopen
none-approved-yet = No actual is approved yet.
lop = LOP
approved-n = Approved { $n ->
    [one] 1 actual
   *[other] { $n } actuals
}.
returned-n = Returned { $n ->
    [one] 1 actual
   *[other] { $n } actuals
} to the coordinator.
reopened-notice = Reopened: the actual is a draft again, out of the approved figures until it is submitted and approved again.
select-at-least-one = Select at least one actual
say-why-return = Say why you return them, so the coordinator knows what to fix
someone-else-acted = Someone else acted on these actuals first: the list below is current.
choose-to-reopen = Choose the approved actual to reopen
say-why-reopen = Say why you reopen it, so the coordinator knows what to correct
someone-else-acted-one = Someone else acted on this actual first: the list below is current.

## Reports
template-undp-quarterly = UNDP quarterly progress report
template-undp-cdr = UNDP Combined Delivery Report (CDR)
template-eu-interim = EU interim report (narrative and financial)
template-iptt = Indicator Performance Tracking Table (IPTT)
report-lang-en = English
report-lang-ru = Russian (Русский)
format-pdf = PDF
format-xlsx = Excel (XLSX)
format-html = Web page (HTML)
enter-a-period = Enter a period, like 2025-Q3, 2025 or 2025-Q1..2025-Q3
choose-a-format = Choose a format
choose-a-template = Choose a template
approve-first-or-draft = Approve it first, or tick “Include unapproved data” for a draft (watermarked, never issued)
size-kb = { $n } KB
report-generated-notice = Generated and stored: { $file } (SHA-256 { $sha }). Download it from the list below.
report-issued-notice = Issued { $file } to the project's donors.
nothing-stored = Nothing was stored. Correct the choices below and try again.
make-a-report = Make a report
make-a-report-lead = Choose what to report on, look at the preview, then generate it: the file is stored with its SHA-256 and cannot change afterwards.
template = Template
period = Period
period-hint = A quarter (2025-Q3), a year (2025) or a range of quarters (2025-Q1..2025-Q3)
format = Format
include-unapproved = Include unapproved data
draft-hint = A draft: every page is watermarked “DRAFT” and it can never be issued to donors.
preview = Preview
generate-and-store = Generate and store
preview-lead = The report as a web page, from today's data. Nothing is stored until you generate it.
open-preview = Open the preview on its own
preview-of-report = Preview of the report
stored-reports = Stored reports
stored-lead = Newest first. The SHA-256 identifies a file's exact bytes: a donor can check the file they received against it.
stored-caption = Stored reports, newest first
report = Report
generated = Generated
issued-to-donors = Issued to donors
issue = Issue
issued = Issued
never-draft = never (draft)
not-yet = not yet
no-reports-yet = No report has been generated for this project yet.

## Donor portal
results-up-to = Results up to
donor-lead = A project you fund. Its results are the figures the project's manager approved ({ $year } up to { $quarter }), and its reports are those issued to you.
reports-issued-to-you = Reports issued to you
issued-on = issued
no-report-issued = No report has been issued to you yet.
project = Project

## Error pages
error-form-refused = Form refused
error-form-refused-text = This form was not sent from one of rbm's own pages, so it was refused. Go back to the page, reload it and send the form again.
error-not-found = Page not found
error-no-such-file = There is no such file.
error-not-found-text = There is no such page, or you have no role on this project.
error-not-allowed = Not allowed
error-not-allowed-text = Your role does not allow this: { $reason }
error-bad-request = Something is wrong with the request
error-too-many = Too many attempts
error-data-changed = The data changed
error-service = Sorry, there is a problem with the service
error-try-later = Try again later.

## Result and indicator forms, deleting
field-parent = Sits under
field-level = Level
field-code = Code
field-title = Title
field-description = Description
field-assumptions = Assumptions
field-result = Measures the result
field-unit = Unit
field-measure = Measure
field-direction = Direction
field-accumulation = Over quarters
field-baseline_value = Baseline value
field-baseline_year = Baseline year
field-baseline_note = Baseline note
field-means_of_verification = Means of verification
field-disaggregations = Disaggregations
hint-parent = The result this one contributes to; none for the impact
hint-result-code = Its place in the tree, like 1.2.3 (letters, digits, . - _)
hint-assumptions = Conditions outside the project's control (the EU logframe shows them)
hint-indicator-code = Like OP1.2 (letters, digits, . - _)
hint-unit = What is counted, like persons or %
hint-means = Where the figures come from
hint-disaggregations = One per line: the dimension, a colon, its values separated by commas (sex: women, men)
nothing-top = Nothing (top of the tree)
choose-a-result = Choose a result
direction-increase = Increase (more is better)
direction-decrease = Decrease (less is better)
accumulation-sum = Sum of the quarters
accumulation-latest = Latest value
enter-the = Enter the { $field }
edit-result = Edit result { $code }
edit-result-title = Edit result
save-the-result = Save the result
add-the-result = Add the result
edit-indicator = Edit indicator { $code }
edit-indicator-title = Edit indicator
save-the-indicator = Save the indicator
add-the-indicator = Add the indicator
someone-changed-it = Someone changed it while you were editing: open it again to see their version.
choose-a-result-from-list = Choose a result from the list
choose-a-level = Choose a level
choose-the-result = Choose the result the indicator measures
choose-one-from-list = Choose one from the list
enter-a-year = Enter a year, like 2024
dims-no-colon = Write each dimension as “name: value, value”; “{ $line }” has no colon
summary-target = Target: { $message }
cancel = Cancel
targets-lead = A target per quarter (2025-Q3), year (2025) or for the life of the project (LOP).
targets-lead-text = A text indicator's target is its description.
targets-lead-value = The value is required; the description is optional.
targets-caption = Targets of the indicator
value = Value
value-for = Value for { $period }
description-for = Description for { $period }
the-target-for = the target for { $period }
new-target-period = New target: period
new-target-placeholder = 2026 or 2026-Q3 or LOP
save-the-targets = Save the targets
delete-result = Delete result { $code }
delete-indicator = Delete indicator { $code }
delete-target = Delete a target of indicator { $code }
level-is = Level: { $level }
targets-deleted-with-it = Its { $n } target(s) are deleted with it.
cannot-be-deleted = It cannot be deleted
cannot-be-undone = Deleting cannot be undone
audit-keeps = (the audit trail keeps what it was).
yes-delete = Yes, delete it
go-back = Go back
no-keep = No, keep it

## The entry page's live sum (app.js): %s is the sum, %t the value
js-sum = Sum: %s
js-sum-ok = Sum: %s – adds up
js-sum-off = Sum: %s – does not add up to the value %t
js-sum-bad = Sum: not every entry is a number

# Links to the part-2 pages (their own words are not in the catalogues yet).
nav-finance = Finance
nav-work-plan = Work plan and budget
nav-finance-checks = Finance checks
nav-administration = Administration

## The finance view (finance.hbs, src/web/finance.rs)
finance-title = Finance – { $code }
finance-title-error = Error: Finance – { $code }
finance-heading = Budget and expenditure
finance-years = Years
finance-quarters = Quarters
finance-lop-option = Life of project ({ $from } to { $to })
finance-the-lop = the life of the project
finance-lead-before = Budget of the work plans and expenditure for
finance-lead-after = ({ $from } to { $to }), in { $currency }. Delivery is expenditure divided by budget.
finance-total = Total
finance-balance = Balance
finance-delivery = Delivery
finance-plans-counted = Work plans counted:
finance-plan-counted = { $year } (revision { $revision }, { $status })
finance-no-plan = No work plan yet.
finance-by-output = By output
finance-by-output-first = Output
finance-by-activity = By activity
finance-by-activity-first = Activity
finance-by-source = By funding source
finance-by-source-first = Funding source
finance-by-account = By budget account
finance-by-account-first = Account
finance-by-heading = By EU budget heading
finance-by-heading-first = EU heading
finance-chart-output = Budget and expenditure by output
finance-chart-source = Budget and expenditure by funding source
finance-caption-output = Budget and expenditure by output, { $from } to { $to }, in { $currency }; delivery = expenditure / budget.
finance-caption-source = Budget and expenditure by funding source, { $from } to { $to }, in { $currency }; delivery = expenditure / budget.
finance-nothing = Nothing budgeted or spent in this period.
finance-table-caption = { $title }, in { $currency }
finance-unplanned = Expenditure on lines a later revision removed
finance-contributions = Contributions
finance-contributions-caption = Contributions: committed for the whole project; received, programmed and spent in the period
finance-source = Source
finance-committed = Committed
finance-received = Received
finance-programmed = Programmed
finance-spent = Spent

## The finance checks (finance_checks.hbs, finding_links.hbs)
checks-title = Finance checks – { $code }
checks-title-error = Error: Finance checks – { $code }
checks-crumb = Checks
checks-lead = The work plans, expenditure and contributions checked against each other: { $errors } errors, { $warnings } warnings, { $infos } not checked.
checks-n-open = { $n } open
checks-n-explained = { $n } explained
checks-plans-checked = Work plans checked:
checks-open-findings = Open findings ({ $n })
checks-why = Why is this acceptable?
checks-mark-explained = Mark as explained
checks-none-open = No open finding: the work plans, expenditure and contributions agree, or every finding is explained.
checks-explained-h = Explained ({ $n })
checks-explained-tag = Explained
checks-reason = Reason:
checks-change-reason = Change the reason
checks-save-reason = Save the reason
checks-work-plan = Work plan:
checks-budget-lines = Budget lines:
checks-expenditure = Expenditure:
checks-and-more = and { $n } more
checks-severity-error = Error
checks-severity-warning = Warning
checks-severity-info = Not checked
checks-line = line { $id }
checks-expenditure-n = expenditure { $id }
checks-the-plan = the { $year } work plan
checks-notice-explained = Explained: the finding no longer counts as open.
checks-say-why-short = Say why
checks-say-why = Say why this finding is acceptable, so that others can see it in the audit trail
checks-gone = The checks no longer find this finding (its lines or expenditure changed): the list below is current.

## The expenditures (expenditures.hbs, src/web/finance_pages.rs)
exp-title = Expenditures – { $code }
exp-heading = Expenditures
exp-work-plans = Work plans
exp-recorded = Recorded { $reference }:
exp-at = at
exp-on-line = On { $line }
exp-record-h = Record an expenditure
exp-label-budget_line_id = Budget line
exp-label-spent_on = Date
exp-label-amount = Amount
exp-label-currency = Currency
exp-label-reference = Reference
exp-label-description = Description
exp-choose-approved-line = Choose a line of an approved work plan
exp-reference-hint = Voucher, purchase order or payment reference
exp-optional = (optional)
exp-record-button = Record the expenditure
exp-filter = Filter
exp-from = From
exp-to = To
exp-activity = Activity
exp-any = Any
exp-source = Funding source
exp-clear = Clear
exp-caption = { $count } expenditures, { $total } { $ledger } in all
exp-as-spent = Amount as spent
exp-rate-used = Rate used
exp-in-ledger = In { $ledger }
exp-filter-period-error = Period: a quarter (2013-Q1), a year (2013) or LOP
exp-choose-line = Choose the budget line
exp-enter-date = Enter the date
fin-date-like = { $label }: enter a date like 2013-03-20
fin-enter-the = Enter the { $label }

## The receipts (receipts.hbs)
rec-title = Receipts – { $code }
rec-crumb = Receipts
rec-heading = Receipts of contributions
rec-saved = The receipt is recorded (marked below).
rec-record-h = Record funds received
rec-label-funding_source_id = Funding source
rec-label-received_on = Date received
rec-label-amount = Amount
rec-label-currency = Currency
rec-label-reference = Reference
rec-choose-contributor = Choose a contributor
rec-record-button = Record the receipt
rec-caption = Receipts by date
rec-amount-received = Amount received
rec-none = No receipts yet.
rec-total = Total received
rec-choose-source = Choose the funding source
rec-enter-date = Enter the date received

## The exchange rates (rates.hbs, rate_used_by.hbs)
rates-heading = Exchange rates
rates-lead = Monthly rates (UN operational rates): 1 unit of the base currency in the quote currency. A figure converted keeps the rate it used; a correction applies to what is entered after it.
rates-used-by-note = “Used by”: the stored reports whose period has expenditure or receipts converted at the rate, or whose contributions in another currency are converted at it (the latest rate up to the period's end).
rates-enter-h = Enter a month's rate
rates-label-base_currency = Base currency
rates-label-quote_currency = Quote currency
rates-label-month = Month
rates-label-rate = Rate
rates-label-source = Source
rates-enter-button = Enter the rate
rates-caption = Exchange rates by pair and month
rates-pair = Pair
rates-used-by = Used by stored reports
rates-actions = Actions
rates-rate-of = Rate of { $pair } { $month }
rates-save = Save
rates-cancel = Cancel
rates-correct-of = Correct the rate of { $pair } { $month }
rates-correct = Correct
rates-none = No rates.
rates-none-used = none
rates-issued = issued
rates-draft = draft
rates-stored = stored

## The work plans by year (workplans.hbs)
wps-title = Work plans – { $code }
wps-heading = Work plans and budget
wps-year = Year
wps-revisions = Revisions
wps-revision = Revision { $n }
wps-lines = { $n } lines, { $total }
wps-no-plan = No plan yet

## The work plan of a year (workplan.hbs, awp_cells.hbs, awp_delivery.hbs, src/web/workplan.rs)
awp-title = Work plan { $year } – { $code }
awp-heading = Work plan and budget { $year }
awp-notice-created = The draft plan is created: schedule its activities, then enter their lines.
awp-notice-activity = The activity is scheduled.
awp-notice-saved = The line is saved; the totals below include it.
awp-notice-deleted = The line is deleted.
awp-notice-approved = The plan is approved and locked.
awp-notice-revision = A draft revision is started: change it, then the manager approves it.
awp-status-draft = Draft
awp-status-approved = Approved
awp-status-superseded = Superseded
awp-revision-n = Revision { $n }
awp-approved-by-board = approved by the Project Board on
awp-amounts-in = amounts in { $currency }
awp-why-revised = Why revised:
awp-revisions-of = Revisions of the { $year } plan
awp-shown = (shown)
awp-board = Board { $date }
awp-legend-lines = Lines
awp-legend-added = added
awp-legend-and = and
awp-legend-changed = changed
awp-legend-since = since
awp-legend-revision = revision { $n }
awp-legend-rest = are marked; removed lines are listed below the table.
awp-caption = Annual work plan { $year }: activities and budget lines
awp-col-activity = Activity
awp-col-timeframe = Timeframe
awp-col-party = Responsible party
awp-col-phasing = Phasing
awp-col-actions = Actions
awp-q = Q{ $n }
awp-output = Output { $code }:
awp-outside-output = Activities outside an output
awp-plan-level = Plan-level lines (e.g. GMS)
awp-no-lines = No budget lines yet.
awp-save = Save
awp-cancel = Cancel
awp-edit = Edit
awp-delete = Delete
awp-edit-line = Edit the line { $description }
awp-delete-line = Delete the line { $description }
awp-by-timeframe = by timeframe
awp-new-line = New line
awp-add = Add
awp-was = was { $amount }
awp-field-funding_source_id = Funding source
awp-field-account_code = Budget account
awp-field-description = Description
awp-field-amount = Amount
awp-field-q1 = Q1 amount
awp-field-q2 = Q2 amount
awp-field-q3 = Q3 amount
awp-field-q4 = Q4 amount
awp-total-activity = Total of activity { $code }
awp-total-output = Total of output { $code }
awp-total-plan-level = Total of plan-level lines
awp-total-source = Total of funding source { $code }
awp-gms = (GMS planned { $planned }, due by the agreement's rate { $due })
awp-total-plan = Total of the plan
awp-document-total = (project document: { $total })
awp-delivery-counted = revision { $n } as approved:
awp-delivery = spent { $spent } of { $budget } ({ $rate })
awp-removed-h = Lines removed since revision { $n }
awp-schedule-h = Schedule an activity
awp-choose-an-activity = Choose an activity
awp-schedule-button = Schedule the activity
awp-all-scheduled = Every activity of the results framework is scheduled.
awp-approve-h = Approval by the Project Board
awp-approve-lead = Approving locks the plan: later changes are a revision.
awp-board-date = Date of the Board meeting
awp-board-date-hint = For example 2013-02-08
awp-approve-button = Approve the plan
awp-revise-h = Revise the approved plan
awp-revise-lead = A revision is a draft copy of this plan; this one stays as it is until the revision is approved.
awp-revise-reason = Why the plan is revised
awp-revise-button = Start a revision
awp-none-yet = { $code } has no work plan for { $year } yet.
awp-plan-title = Title
awp-optional = (optional)
awp-default-title = Annual work plan { $year }
awp-start = Start the { $year } plan
awp-amount-missing = Enter the amount in { $currency }
awp-amount-bad = Enter an amount in { $currency }, like 10 000 or 10 000.50
awp-amount-negative = The amount must not be negative
awp-amount-decimals = { $currency } amounts have at most { $decimals } decimals
awp-amount-too-large = The amount is too large ({ $problem })
awp-choose-source = Choose the funding source
awp-enter-description = Enter the description
awp-enter-account = Enter the budget account
awp-choose-activity = Choose the activity
awp-enter-board-date = Enter the date of the Project Board, like 2013-02-08
awp-enter-reason = Enter why the plan is revised
awp-changed-meanwhile = { $message }. Someone changed it while you were editing: reload the page to see their version.

## Correcting and deleting expenditures and receipts (expenditures.hbs, receipts.hbs, confirm_delete.hbs, src/web/finance_pages.rs)
fin-actions = Actions
fin-edit = Edit
fin-delete = Delete
fin-save = Save
fin-cancel = Cancel
fin-changed-meanwhile = { $message }. Someone changed it meanwhile: reload the page to see their version.
exp-edit-h = Correct the expenditure { $reference }
exp-edit-of = Correct the expenditure { $reference }
exp-delete-of = Delete the expenditure { $reference }
exp-delete-h = Delete the expenditure { $reference }
exp-corrected = Corrected { $reference }:
exp-deleted = The expenditure is deleted.
rec-edit-h = Correct the receipt { $reference }
rec-edit-of = Correct the receipt { $reference }
rec-delete-of = Delete the receipt { $reference }
rec-delete-h = Delete the receipt { $reference }
rec-corrected = The receipt is corrected (marked below).
rec-deleted = The receipt is deleted.
## The administration pages (admin_*.hbs, src/web/admin.rs)
# Role names are role-*; the EU headings and lines of other languages come from the EU report's
# catalogue (eu-interim/<lang>.ftl).
adm-users = Users and roles
adm-accounts = Budget accounts
adm-sources = Funding sources
adm-audit = Audit trail
adm-users-title = Users
adm-users-caption = Users
adm-email = Email
adm-name = Name
adm-active = Active
adm-deactivated = Deactivated
adm-roles-by-project = Roles by project
adm-create-user-h = Create a user
adm-first-password = First password
adm-first-password-hint = At least 10 characters. Give it to the user in person or by another channel than email.
adm-is-admin-new = Administrator (manages users, roles and catalogues on every project)
adm-create-user = Create the user
adm-then-give-role = Then give the user a role on a project from the user's page.
adm-active-label = Active (untick to deactivate: the user can no longer sign in)
adm-new-password = New password
adm-new-password-hint = Leave empty to keep the current one. A new password signs the user out everywhere.
adm-save = Save
adm-roles-h = Roles on projects
adm-roles-of = Roles of { $email }
adm-role = Role
adm-since = Since
adm-remove = Remove
adm-remove-role-of = {" "}the { $role } role on { $project }
adm-no-role-yet = No role yet: the user sees no project.
adm-give-role-h = Give a role
adm-give-role = Give the role
adm-roles-on = Roles on
adm-members = Members
adm-members-of = Members of { $code }
adm-members-title = { $code } members
adm-user = User
adm-nobody = Nobody has a role on this project.
adm-everyone-has-role = Every active user has a role on this project.
adm-created-user = Created the user.
adm-created-account = Created the account.
adm-created-source = Created the funding source.
adm-removed-account = Retired the account.
adm-removed-source = Deleted the funding source.
adm-saved = Saved.
adm-role-given = Role given.
adm-role-removed = Role removed.
adm-choose-role = Choose a role
adm-choose-project = Choose a project
adm-choose-user = Choose a user
adm-accounts-lead = The chart of accounts: each account's EU budget heading and line of the EU format, which the finance views and the EU financial statement group by.
adm-accounts-caption = Budget accounts and their EU mapping
adm-account = Account
adm-eu-heading = EU heading
adm-eu-line = EU line
adm-add-account-h = Add an account
adm-add-account = Add the account
adm-account-of = Account { $code }
adm-all-accounts = All accounts
adm-retire-account = Retire the account
adm-retire-note = A retired account's lines stay; the finance checks name them.
adm-account-code = Account code
adm-account-code-hint = 3-10 digits, e.g. 71200
adm-eu-budget-heading = EU budget heading
adm-eu-format-line = Line of the EU format
adm-line-of-heading = The heading itself (8 for indirect costs)
adm-choose-heading = Choose an EU budget heading
adm-kind = Kind
adm-kind-eu = eu
adm-kind-undp_core = undp core
adm-kind-government_cost_sharing = government cost sharing
adm-kind-other = other
adm-choose-kind = Choose a kind
adm-source-code-hint = e.g. EU, UNDP, RB
adm-add-source-h = Add a funding source
adm-add-source = Add the funding source
adm-source-of = Funding source { $code }
adm-all-sources = All funding sources
adm-entity = Entity
adm-action = Action
adm-from = From
adm-to = To
adm-date-hint = YYYY-MM-DD
adm-date-error = A date as YYYY-MM-DD, e.g. 2026-01-31
adm-choose-user-from-list = Choose a user from the list
adm-any = Any
adm-anyone = Anyone
adm-all-projects = All, and the catalogues
adm-filter = Filter
adm-clear-filters = Clear the filters
adm-audit-range = { $total ->
    [1] 1 change
   *[other] Changes { $first }–{ $last } of { $all }
}, newest first.
adm-pages = Pages of the audit trail
adm-newer = ← Newer
adm-older = Older →
adm-system = system
adm-by-at = by { $user }, { $at } UTC
adm-what-changed = What changed ({ $n ->
    [one] 1 field
   *[other] { $n } fields
})
adm-before-and-after = Before and after
adm-field = Field
adm-before = Before
adm-after = After
adm-no-change = No change matches.
adm-entity-project = project
adm-entity-result = result
adm-entity-indicator = indicator
adm-entity-target = target
adm-entity-actual = actual
adm-entity-activity_progress = activity progress
adm-entity-narrative = narrative
adm-entity-risk = risk
adm-entity-risk_update = risk update
adm-entity-issue = issue
adm-entity-work_plan = work plan
adm-entity-work_plan_activity = work plan activity
adm-entity-budget_line = budget line
adm-entity-expenditure = expenditure
adm-entity-receipt = receipt
adm-entity-exchange_rate = exchange rate
adm-entity-budget_account = budget account
adm-entity-funding_source = funding source
adm-entity-contribution = contribution
adm-entity-contribution_budget = contribution budget
adm-entity-report = report
adm-entity-user = user
adm-entity-user_lang = user language
adm-entity-membership = membership
adm-entity-api_token = api token
adm-entity-finding_explanation = finding explanation
adm-action-create = create
adm-action-update = update
adm-action-delete = delete
adm-action-submit = submit
adm-action-approve = approve
adm-action-return = return
adm-action-reopen = reopen
adm-action-issue = issue
adm-action-supersede = supersede
adm-action-revoke = revoke
# The use cases' rules as these forms show them in another language (English pages show the
# API's own text).
adm-stale = Someone changed it since you opened the page; the form shows it as it is now
adm-rule-email = Must be an email address
adm-rule-not-empty = Must not be empty
adm-rule-password-length = Between 10 and 200 characters
adm-rule-account-code = 3-10 digits, e.g. 71200
adm-rule-catalogue-code = 1-32 characters: capital letters, digits, - and _
adm-rule-heading = An EU budget heading from 1 to 7 (7: indirect costs)
adm-rule-at-most = At most { $n } characters
adm-rule-email-taken = A user with email { $email } already exists
adm-rule-has-role = The user is already { $role } on this project: remove that membership first
adm-rule-last-admin = { $who ->
    [you] You are
   *[other] { $who } is
} the last active administrator and cannot be { $change ->
    [deactivated] deactivated
   *[other] stripped of the admin flag
}: nobody would be left to manage users and memberships; make another user an administrator first
adm-rule-account-taken = Account { $code } is already in the catalogue
adm-rule-source-taken = A funding source with code { $code } already exists
adm-rule-source-used = Funding source { $code } funds { $n } project(s): delete those contributions first
adm-rule-line-of-heading = `{ $line }` is not a line of EU heading { $heading }: use one of { $lines }
adm-rule-line-indirect = `{ $line }`: accounts of heading 7 (indirect costs) map to line 8

## Finance check findings (src/domain/finance_checks.rs, src/web/findings.rs): exactly the API's messages
finding-plan = the { $year } work plan
finding-plan-revision = the { $year } work plan (revision { $revision })
finding-line = line { $id } ({ $activity }, { $source }, { $account } { $description })
finding-line-plan-level = line { $id } ({ $source }, { $account } { $description })
finding-up-to = {" "}up to { $year }
finding-up-to-end = {""}
finding-over-budget = Budget { $line } has spent { $spent } against a budget of { $budget }: { $over } over.
finding-over-contribution = The work plans{ $to_date } programme { $programmed } of { $source } funds, but { $source }'s contribution is { $contribution }: { $over } over.
finding-contribution-unknown = The work plans{ $to_date } programme { $programmed } of { $source } funds, which cannot be compared with its contribution: { $why }.
finding-why-no-contribution = no contribution from { $source } to this project
finding-why-no-rate = no exchange rate between { $from } and { $to } up to { $month }
finding-why-too-large = the contribution is too large to convert
finding-why-other = { $why }
finding-gms-no-rate = In { $plan }, { $source } carries { $amount } of indirect costs but its contribution states no rate to check them against.
finding-gms-missing = In { $plan }, { $source } has no indirect-cost (GMS) line: { $rate } of its direct costs of { $direct } is { $expected }.
finding-gms-too-much = In { $plan }, the GMS of { $source } is { $stored }, but { $rate } of its direct costs of { $direct } is { $expected } ({ $diff } too much).
finding-gms-too-little = In { $plan }, the GMS of { $source } is { $stored }, but { $rate } of its direct costs of { $direct } is { $expected } ({ $diff } too little).
finding-unplanned-quarter = { $amount } was spent in { $quarter } on { $line }, but activity { $activity } is planned in { $planned } only.
finding-no-quarter = no quarter
finding-account-not-in-catalogue = Budget { $line } is on account { $account }, which is not in the budget-account catalogue: it counts under no EU heading and its indirect costs cannot be told apart.
finding-phasing = The quarterly phasing of budget { $line } adds up to { $sum }, not to its amount of { $amount }.
finding-conversion = Expenditure { $id } of { $amount } on { $date } is recorded as { $recorded }, but at the rate it states it is { $expected }.
finding-not-convertible = not convertible
finding-plan-more = The lines of { $plan } add up to { $total }, but the project document gives { $document } for { $year }: { $diff } more.
finding-plan-less = The lines of { $plan } add up to { $total }, but the project document gives { $document } for { $year }: { $diff } less.
finding-check-expenditure-over-budget = expenditure over budget
finding-check-budget-over-contribution = budget over contribution
finding-check-indirect-cost-mismatch = indirect cost mismatch
finding-check-spending-outside-planned-quarter = spending outside planned quarter
finding-check-account-not-in-catalogue = account not in catalogue
finding-check-totals-do-not-add-up = totals do not add up
finding-check-plan-total-differs-from-document = plan total differs from document

## Finance views' rows of no output, activity or catalogue account (src/web/finance.rs, dashboard)
finance-by-output-none = Not assigned to an output (plan-level lines, e.g. GMS)
finance-by-activity-none = Not assigned to an activity (plan-level lines, e.g. GMS)
finance-by-account-none = Accounts not in the catalogue
